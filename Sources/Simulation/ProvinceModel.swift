import Domain
import Foundation

/// A commune as the generator uses it.
public struct SimCommune: Sendable {
    public let code: String
    public let name: String
    public let district: String
}

/// A generated venue (its database id is `index + venueBase`).
struct SimVenue {
    let name: String
    let type: VenueType
    let commune: Int
    let dwellMinutes: Int
}

/// The generated population and places, in memory, from a seed: the same seed and size give the same province.
/// People are compact parallel arrays so 3.1 M of them fit in about 50 MB.
struct ProvinceModel {
    let communes: [SimCommune]
    /// Per person.
    var commune: [Int32] = []
    var age: [UInt8] = []
    var female: [Bool] = []
    var household: [Int32] = []
    /// Workplace or school venue index, −1 for none.
    var placeOfDay: [Int32] = []
    var venues: [SimVenue] = []
    /// Per commune, venue indexes by type, for errands.
    var errandVenues: [[VenueType: [Int32]]] = []
    var communesOfDistrict: [String: [Int]] = [:]

    static func districtWeights() throws -> [String: Double] {
        guard let url = Bundle.module.url(forResource: "dong-nai-ehr-records-2022", withExtension: "csv") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "dong-nai-ehr-records-2022.csv"])
        }
        let table = try CSV.table(String(contentsOf: url, encoding: .utf8), required: ["district_code", "ehr_records_managed"])
        var weights: [String: Double] = [:]
        for row in table { weights[row.values["district_code"]!] = Double(row.values["ehr_records_managed"]!) ?? 0 }
        return weights
    }

    /// People spread over communes in proportion to their district's health records, in households of 1–7.
    init(communes: [SimCommune], people: Int, seed: UInt64) throws {
        self.communes = communes
        var rng = SimRandom(seed: seed).fork(1)
        let districtWeight = try Self.districtWeights()
        for (i, c) in communes.enumerated() { communesOfDistrict[c.district, default: []].append(i) }
        // Communes of a district share its weight, each varied ±40 % so they differ in size.
        let communeWeights = communes.map { c -> Double in
            (districtWeight[c.district] ?? 0) / Double(communesOfDistrict[c.district]!.count) * (0.6 + 0.8 * rng.unit())
        }
        let communeChoice = WeightedChoice(communeWeights)
        commune.reserveCapacity(people)
        age.reserveCapacity(people)
        female.reserveCapacity(people)
        household.reserveCapacity(people)
        var householdID: Int32 = 0
        // Household sizes 1–7 (mean ≈ 3.5, as in the 2019 census).
        let sizeChoice = WeightedChoice([10, 20, 23, 25, 13, 6, 3])
        while commune.count < people {
            let home = Int32(communeChoice.pick(&rng))
            let size = min(sizeChoice.pick(&rng) + 1, people - commune.count)
            for member in 0..<size {
                // The first member is an adult (the head); the others follow the national pyramid.
                var a = AgePyramid.age(&rng)
                if member == 0 && a < 20 { a = 20 + rng.int(0...45) }
                commune.append(home)
                age.append(UInt8(min(a, 100)))
                female.append(member == 1 ? !female[female.count - 1] : rng.chance(0.505))
                household.append(householdID)
            }
            householdID += 1
        }
        try buildVenues(&rng)
    }

    private mutating func add(_ venue: SimVenue) -> Int32 {
        venues.append(venue)
        return Int32(venues.count - 1)
    }

    /// Places in every commune (committee, police, market, schools, restaurants, shops, pagodas, health station),
    /// a bus station per district, and workplaces per district sized from a heavy-tailed distribution (Dong Nai's
    /// industrial parks employ thousands per factory); workers and pupils are assigned their place of the day.
    private mutating func buildVenues(_ rng: inout SimRandom) throws {
        var residents = [Int](repeating: 0, count: communes.count)
        var pupils = [Int](repeating: 0, count: communes.count)
        for i in commune.indices {
            residents[Int(commune[i])] += 1
            if (6...17).contains(age[i]) { pupils[Int(commune[i])] += 1 }
        }
        errandVenues = Array(repeating: [:], count: communes.count)
        var schools: [[Int32]] = Array(repeating: [], count: communes.count)
        for (i, c) in communes.enumerated() {
            let n = residents[i]
            func place(_ name: String, _ type: VenueType) {
                let v = add(SimVenue(name: name, type: type, commune: i, dwellMinutes: type.defaultDwellMinutes))
                errandVenues[i][type, default: []].append(v)
            }
            place("UBND \(c.name)", .agency)
            place("Công an \(c.name)", .agency)
            place("Trạm Y tế \(c.name)", .hospital)
            for k in 0..<(1 + n / 15_000) { place(k == 0 ? "Chợ \(c.name)" : "Chợ \(c.name) \(k + 1)", .market) }
            for k in 0..<max(1, n / 400) { place("Quán ăn \(VietnameseNames.pick(VietnameseNames.maleGiven, &rng)) \(k + 1), \(c.name)", .restaurant) }
            for k in 0..<max(1, n / 500) { place("Cửa hàng tạp hóa \(VietnameseNames.pick(VietnameseNames.femaleGiven, &rng)) \(k + 1)", .other) }
            for k in 0..<(1 + n / 8_000) { place(k % 2 == 0 ? "Chùa \(c.name) \(k + 1)" : "Nhà thờ \(c.name) \(k + 1)", .church) }
            for k in 0..<max(1, (pupils[i] + 799) / 800) {
                schools[i].append(add(SimVenue(name: "Trường \(["Tiểu học", "THCS", "THPT"][k % 3]) \(c.name) \(k / 3 + 1)", type: .school,
                                                commune: i, dwellMinutes: VenueType.school.defaultDwellMinutes)))
            }
        }
        var workplaces: [String: [(venue: Int32, capacity: Int)]] = [:]
        for district in communesOfDistrict.keys.sorted() {
            let members = communesOfDistrict[district]!
            let station = add(SimVenue(name: "Bến xe \(district)", type: .transport, commune: members[0], dwellMinutes: VenueType.transport.defaultDwellMinutes))
            for i in members { errandVenues[i][.transport, default: []].append(station) }
            let workers = members.reduce(0) { $0 + residents[$1] } * 45 / 100
            var capacity = 0
            while capacity < workers * 6 / 10 {
                // Pareto (α = 1.1) from 10 workers, capped at 15,000.
                let size = min(15_000, Int(10 / pow(max(rng.unit(), 1e-9), 1 / 1.1)))
                let family = VietnameseNames.family[VietnameseNames.familyChoice.pick(&rng)].0
                let name = size >= 500 ? "Công ty TNHH \(family) KCN \(workplaces[district, default: []].count + 1)"
                    : "Cơ sở sản xuất \(family) \(workplaces[district, default: []].count + 1)"
                let v = add(SimVenue(name: name, type: .business, commune: rng.pick(members), dwellMinutes: VenueType.business.defaultDwellMinutes))
                workplaces[district, default: []].append((v, size))
                capacity += size
            }
        }
        // Places of the day: pupils to a school of their commune, most adults 18–60 to a workplace of their district
        // (one in five elsewhere in the province), filled up to each workplace's size.
        let districts = communesOfDistrict.keys.sorted()
        var fill: [String: (index: Int, used: Int)] = [:]
        placeOfDay = [Int32](repeating: -1, count: commune.count)
        for i in commune.indices {
            let home = Int(commune[i])
            if (6...17).contains(age[i]) {
                placeOfDay[i] = rng.pick(schools[home])
            } else if (18...60).contains(age[i]), rng.chance(0.7) {
                let district = rng.chance(0.8) ? communes[home].district : rng.pick(districts)
                guard let list = workplaces[district], !list.isEmpty else { continue }
                var cursor = fill[district] ?? (Int(rng.next() % UInt64(list.count)), 0)
                if cursor.used >= list[cursor.index].capacity { cursor = ((cursor.index + 1) % list.count, 0) }
                placeOfDay[i] = list[cursor.index].venue
                cursor.used += 1
                fill[district] = cursor
            }
        }
    }
}

extension VietnameseNames {
    static func pick(_ list: [String], _ rng: inout SimRandom) -> String { rng.pick(list) }

    /// A full name for a person of this sex, sharing the household's family name.
    static func fullName(family: String, female: Bool, _ rng: inout SimRandom) -> String {
        let middle = rng.pick(female ? femaleMiddle : maleMiddle)
        let given = rng.pick(female ? femaleGiven : maleGiven)
        return "\(family) \(middle) \(given)"
    }
}
