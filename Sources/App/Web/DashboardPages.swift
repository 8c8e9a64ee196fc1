import Accounts
import Domain
import Foundation
import Hummingbird
import Reporting
import ServiceLifecycle

/// The operations page (`/dashboard`), its live feed (`/dashboard/events`, server-sent events) and a printable map
/// (`/dashboard/map`). Everything is drawn on the server; the page's script only swaps numbers and the map.
struct DashboardPages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/dashboard") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let day = q.get("date") ?? LocalDay.string(Date())
            let snapshot = try await services.dashboard.snapshot(area: q.get("area") ?? principal.scopeCode, day: day, for: principal,
                                                                 trace: context.trace())
            let layer = MapLayer(rawValue: q.get("layer") ?? "") ?? .incidence
            let map = try await services.maps.render(layer, unit: snapshot.area, day: day)
            let levels = try await services.riskLevels.assess(area: snapshot.area.code, day: day, for: principal, trace: context.trace())
            var model = try await self.model(snapshot, context: context, principal: principal)
            model["map"] = map
            model["layerRisk"] = layer == .risk
            model["days"] = snapshot.days.map { ["day": $0, "selected": $0 == day] }
            model["levels"] = levels.map { level(of: $0, context) }
            model["levelRule"] = levels.first?.document ?? pages.text("dash_none", context)
            return pages.render("dashboard", title: pages.text("dash_title", context), model: model, context: context, request: request)
        }
        router.get("/dashboard/map") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let day = q.get("date") ?? LocalDay.string(Date())
            let unit = try await services.statistics.area(q.get("area") ?? principal.scopeCode, for: principal, trace: context.trace())
            let layer = MapLayer(rawValue: q.get("layer") ?? "") ?? .risk
            let map = try await services.maps.render(layer, unit: unit, day: day)
            return pages.render("dashboardmap", title: pages.text("dash_map", context) + " — " + unit.name,
                                model: ["map": map, "areaCode": unit.code, "day": day], context: context, request: request)
        }
        // The map alone, for the page's layer and day controls (signed in with the page's session).
        router.get("/dashboard/map.svg") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            guard let layer = MapLayer(rawValue: q.get("layer") ?? "incidence") else { throw NotFound("No map layer \(q.get("layer") ?? "").") }
            let svg = try await services.maps.render(layer, area: q.get("area") ?? principal.scopeCode, day: q.get("date") ?? LocalDay.string(Date()),
                                                     for: principal, trace: context.trace())
            return ReportingController.svg(svg)
        }
        // One event when the page opens, then one whenever a figure changes (checked every second); a comment
        // line every 20 seconds keeps proxies from closing the stream. A stream ends after five minutes (the browser
        // reconnects by itself) or when the server shuts down, so a restart never waits on open pages. `limit` ends it
        // after that many events.
        router.get("/dashboard/events") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let unit = try await services.statistics.area(q.get("area") ?? principal.scopeCode, for: principal, trace: context.trace())
            let limit = Int(q.get("limit") ?? "") ?? Int.max
            let dashboard = services.dashboard
            let body = ResponseBody { writer in
                var last: String?
                var sent = 0
                var quiet = 0
                let started = ContinuousClock.now
                try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
                while sent < limit && ContinuousClock.now - started < .seconds(300) && !Task.isCancelled && !Task.isShuttingDownGracefully {
                    let live = try await dashboard.live(unit, day: LocalDay.string(Date()))
                    let json = String(decoding: try JSONEncoder.sentinel.encode(live), as: UTF8.self)
                    if json != last {
                        try await writer.write(ByteBuffer(string: "event: figures\ndata: \(json)\n\n"))
                        last = json
                        sent += 1
                        quiet = 0
                    } else {
                        quiet += 1
                        if quiet % 20 == 0 { try await writer.write(ByteBuffer(string: ": still here\n\n")) }
                    }
                    if sent >= limit { break }
                    try? await Task.sleep(for: .seconds(1))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"], body: body)
        }
    }

    func model(_ snapshot: DashboardSnapshot, context: SentinelContext, principal: Principal) async throws -> [String: Any] {
        var headlines: [[String: Any]] = []
        for h in snapshot.headlines {
            let trend = h.last7 > h.previous7 ? "up" : h.last7 < h.previous7 ? "down" : "flat"
            headlines.append([
                "measure": h.measure, "label": pages.text("measure_" + h.measure, context), "today": h.today, "last7": h.last7,
                "previous7": h.previous7, "last14": h.last14, "last28": h.last28, "trend": trend,
                "arrow": trend == "up" ? "▲" : trend == "down" ? "▼" : "=",
                "chart": Charts.dailyBars(h.daily, days: snapshot.days, label: pages.text("measure_" + h.measure, context),
                                          color: h.measure.hasPrefix("f") || h.measure == "positives" || h.measure == "deaths" ? "#c62828" : "#1565c0",
                                          meanLine: h.measure == "f0_new"),
            ])
        }
        var turnaround = "—"
        if principal.role.may(.readTests) {
            let from = LocalDay.adding(-6, to: snapshot.day) ?? snapshot.day
            if let stats = try? await services.lab.stats(from: from, to: snapshot.day, groupBy: .day, pendingHours: 24, by: principal,
                                                         trace: context.trace(purpose: "dashboard")),
               let median = stats.total.turnaroundMedianHours {
                turnaround = String(format: "%.1f", median) + " " + pages.text("dash_hours", context)
            }
        }
        let children = try await services.areas.children(of: snapshot.area.code, vintage: Statistics.vintage).sorted { $0.code < $1.code }
        return [
            "areaCode": snapshot.area.code, "areaName": snapshot.area.name, "day": snapshot.day,
            "parentCode": snapshot.area.parentCode ?? "", "hasParent": snapshot.area.parentCode != nil && principal.scopeCode != snapshot.area.code,
            "headlines": headlines,
            "severity": snapshot.activeBySeverity.sorted { $0.key < $1.key }.map { ["label": pages.text("severity_" + $0.key, context), "n": $0.value] },
            "care": snapshot.activeByCarePlace.sorted { $0.key < $1.key }.map { ["label": pages.text("care_" + $0.key, context), "n": $0.value] },
            "activeTotal": snapshot.activeBySeverity.values.reduce(0, +),
            "top": snapshot.topCommunes.map {
                ["name": $0.name, "code": $0.code, "cases7": $0.cases7, "per100k": String(format: "%.1f", $0.per100k), "estimated": $0.populationEstimated]
            },
            "untraced": snapshot.untracedF0, "uncontacted": snapshot.uncontactedContacts,
            "positivity": snapshot.positivity7.map { String(format: "%.1f %%", $0 * 100) } ?? "—",
            "turnaround": turnaround,
            "children": children.map { ["code": $0.code, "name": $0.name] },
            "csvFrom": snapshot.days.first ?? snapshot.day,
        ]
    }

    func level(of a: RiskAssessment, _ context: SentinelContext) -> [String: Any] {
        let name = a.level.flatMap { services.riskLevels.rules.name(of: $0) }
        return [
            "code": a.areaCode, "name": a.name, "level": a.level.map(String.init) ?? "—",
            "levelName": name.map { context.language == .vi ? $0.vi : $0.en } ?? (a.reason ?? ""), "levelClass": a.level.map(String.init) ?? "none",
            "cases": a.cases, "rate": a.rate.map { String(format: "%.1f", $0) } ?? "—",
            "announced": a.announced.map { "\($0.level) (\($0.document))" } ?? "—",
            "estimated": a.population?.estimated ?? false,
        ]
    }
}
