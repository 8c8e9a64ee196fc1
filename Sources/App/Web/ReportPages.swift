import Accounts
import Domain
import Foundation
import Hummingbird
import Reporting
import Storage

/// The daily report (`/reports/daily`): the day's figures per unit of an area, printable, with the lists as CSV.
struct ReportPages {
    let services: Services
    let pages: PageRenderer

    static let columns: [Measure] = [.f0New, .f0Community, .f0InQuarantine, .f1New, .f2New, .recovered, .deaths, .samples, .tests, .positives,
                                     .arrivals]

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/reports/daily") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let day = q.get("date") ?? LocalDay.string(Date())
            guard LocalDay.isValid(day), let weekStart = LocalDay.adding(-6, to: day) else {
                throw ValidationFailure([FieldError("date", "a day as YYYY-MM-DD")])
            }
            let unit = try await services.statistics.area(q.get("area") ?? principal.scopeCode, for: principal, trace: context.trace())
            let grouping: StatsGrouping = unit.level == .province ? .district : .commune
            let today = try await services.statistics.answer(StatsQuery(measures: Self.columns, areaCode: unit.code, from: day, to: day, groupBy: grouping),
                                                              for: principal, trace: context.trace())
            let week = try await services.statistics.answer(StatsQuery(measures: [.f0New], areaCode: unit.code, from: weekStart, to: day, groupBy: grouping),
                                                             for: principal, trace: context.trace())
            let weekly = Dictionary(week.series[0].points.map { ($0.key, $0.value) }, uniquingKeysWith: +)
            let units = today.series.first?.points ?? []
            let rows: [[String: Any]] = units.map { point in
                ["name": point.label ?? point.key, "code": point.key,
                 "cells": today.series.map { series in series.points.first { $0.key == point.key }?.value ?? 0 }, "week": weekly[point.key] ?? 0]
            }
            let model: [String: Any] = [
                "areaName": unit.name, "areaCode": unit.code, "day": day, "weekStart": weekStart,
                "headers": Self.columns.map { pages.text("measure_" + $0.rawValue, context) },
                "rows": rows, "totals": today.series.map(\.total), "weekTotal": week.series[0].total,
                "canCases": principal.role.may(.readCases), "canTests": principal.role.may(.readTests),
            ]
            return pages.render("dailyreport", title: pages.text("report_daily_title", context) + " " + day, model: model, context: context,
                                request: request)
        }
    }
}
