import Domain
import Geography

/// The communes of the deployment's province grouped by district, for the forms where citizens or staff pick where
/// they live or go (nobody knows a GSO code by heart). Two-tier vintages (2025-07) have one group per province.
struct CommuneChoices {
    let areas: AreaStore
    let vintage: String

    struct Group {
        let name: String
        let communes: [AreaUnit]
    }

    func groups() async throws -> [Group] {
        var out: [Group] = []
        for province in try await areas.children(of: nil, vintage: vintage) {
            var direct: [AreaUnit] = []
            for unit in try await areas.children(of: province.code, vintage: vintage) {
                if unit.level == .commune { direct.append(unit); continue }
                out.append(Group(name: unit.name, communes: try await areas.children(of: unit.code, vintage: vintage)))
            }
            if !direct.isEmpty { out.append(Group(name: province.name, communes: direct)) }
        }
        return out
    }

    /// `<optgroup>`s for a template: `{name, communes: [{code, name, selected}]}`.
    func model(selected: String? = nil) async throws -> [[String: Any]] {
        try await groups().map { group in
            ["name": group.name, "communes": group.communes.map { ["code": $0.code, "name": $0.name, "selected": $0.code == selected] }]
        }
    }
}
