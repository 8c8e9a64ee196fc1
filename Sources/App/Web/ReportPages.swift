import Accounts
import Codes
import Domain
import Foundation
import Hummingbird
import Reporting
import Storage

/// The standard reports the province agreed, as data: which daily counts each shows per unit of an area over a range
/// of days (a ratio where the report has one). Adding a report is adding a case here and its strings.
enum ReportTemplate: String, CaseIterable {
    /// The day's cases, contacts, tests and arrivals, with each unit's F0 over 7 days.
    case daily
    /// Sampling and results: samples (pooled), people sampled, results, positive pools, individual results, positives,
    /// positivity, retests.
    case testing
    /// Health declarations and the ones the rules flagged, with QR check-ins.
    case declarations
    /// Contacts into and out of quarantine.
    case quarantine
    /// Road checkpoints: people crossing and people arriving.
    case travel

    var measures: [Measure] {
        switch self {
        case .daily: [.f0New, .f0Community, .f0InQuarantine, .f1New, .f2New, .recovered, .deaths, .samples, .tests, .positives, .arrivals]
        case .testing: [.samples, .samplesPooled, .personsSampled, .results, .positivePools, .tests, .positives, .retests]
        case .declarations: [.declarations, .declarationsFlagged, .checkins]
        case .quarantine: [.f1New, .f2New, .quarantineIn, .quarantineOut, .f0InQuarantine]
        case .travel: [.crossings, .arrivals]
        }
    }

    /// A share shown after the counts: numerator / denominator as a percentage.
    var ratio: (numerator: Measure, denominator: Measure, key: String)? {
        switch self {
        case .testing: (.positives, .tests, "report_positivity")
        case .declarations: (.declarationsFlagged, .declarations, "report_flagged_share")
        default: nil
        }
    }

    /// Days a report covers when none are asked: the daily report one day, the others a week.
    var defaultDays: Int { self == .daily ? 1 : 7 }
}

/// The report pages (`/reports/{template}`): the figures per unit of an area over a range of days, printable, with
/// the table as CSV or XLSX (`format=`) and, where the reader may, the lists behind it.
struct ReportPages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/reports/{template}") { request, context -> Response in
            let name = try context.parameters.require("template")
            guard let template = ReportTemplate(rawValue: name) else {
                throw NotFound("No report \(name): " + ReportTemplate.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            return try await show(template, request, context)
        }
    }

    private func show(_ template: ReportTemplate, _ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let q = request.uri.queryParameters
        let t = { (key: String) in pages.text(key, context) }
        // The daily report is asked by `date`; the others by `from`/`to` (a week to today by default).
        let to = q.get("to") ?? q.get("date") ?? LocalDay.string(Date())
        let from = q.get("from") ?? q.get("date") ?? LocalDay.adding(1 - template.defaultDays, to: to) ?? to
        guard LocalDay.isValid(from), LocalDay.isValid(to), let weekStart = LocalDay.adding(-6, to: to) else {
            throw ValidationFailure([FieldError("date", "days as YYYY-MM-DD")])
        }
        let unit = try await services.statistics.area(q.get("area") ?? principal.scopeCode, for: principal, trace: context.trace())
        let grouping: StatsGrouping = unit.level == .province ? .district : .commune
        let measures = template.measures
        let answer = try await services.statistics.answer(StatsQuery.parse(measure: measures.map(\.rawValue).joined(separator: ","), area: unit.code,
                                                                           from: from, to: to, groupBy: grouping.rawValue, defaultArea: unit.code,
                                                                           today: to),
                                                          for: principal, trace: context.trace())
        let week = template == .daily
            ? try await services.statistics.answer(StatsQuery(measures: [.f0New], areaCode: unit.code, from: weekStart, to: to, groupBy: grouping),
                                                   for: principal, trace: context.trace())
            : nil
        let weekly = Dictionary((week?.series[0].points ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: +)
        let ratio = template.ratio
        func share(_ values: [Measure: Int64]) -> String {
            guard let ratio, let d = values[ratio.denominator], d > 0 else { return "—" }
            return String(format: "%.1f%%", Double(values[ratio.numerator] ?? 0) / Double(d) * 100)
        }
        var header = [t("dash_areas")] + measures.map { t("measure_" + $0.rawValue) }
        if week != nil { header.append(t("report_f0_7days")) }
        if let ratio { header.append(t(ratio.key)) }
        var table: [[Spreadsheet.Cell]] = []
        var rows: [[String: Any]] = []
        for point in answer.series.first?.points ?? [] {
            var values: [Measure: Int64] = [:]
            for (measure, series) in zip(measures, answer.series) { values[measure] = series.points.first { $0.key == point.key }?.value ?? 0 }
            var cells = measures.map { String(values[$0] ?? 0) }
            if week != nil { cells.append(String(weekly[point.key] ?? 0)) }
            if ratio != nil { cells.append(share(values)) }
            rows.append(["name": point.label ?? point.key, "code": point.key, "cells": cells])
            table.append([.text(point.label ?? point.key)] + cells.map { Int64($0).map { .number(Double($0)) } ?? .text($0) })
        }
        var totals: [Measure: Int64] = [:]
        for (measure, series) in zip(measures, answer.series) { totals[measure] = series.total }
        var totalCells = measures.map { String(totals[$0] ?? 0) }
        if let week { totalCells.append(String(week.series[0].total)) }
        if ratio != nil { totalCells.append(share(totals)) }
        table.append([.text(t("report_total"))] + totalCells.map { Int64($0).map { .number(Double($0)) } ?? .text($0) })

        let filename = "bao-cao-\(template.rawValue)-\(unit.code)-\(from)-\(to)"
        switch q.get("format") {
        case "csv": return TableDownload.csv(header: header, rows: table, filename: filename + ".csv")
        case "xlsx": return TableDownload.xlsx(sheet: t("report_" + template.rawValue + "_title"), header: header, rows: table, filename: filename + ".xlsx")
        default: break
        }
        let model: [String: Any] = [
            "template": template.rawValue, "title": t("report_" + template.rawValue + "_title"), "lead": t("report_" + template.rawValue + "_lead"),
            "areaName": unit.name, "areaCode": unit.code, "from": from, "to": to, "oneDay": from == to, "isDaily": template == .daily,
            "weekStart": weekStart, "headers": Array(header.dropFirst()), "rows": rows, "totals": totalCells,
            "templates": ReportTemplate.allCases.map { ["id": $0.rawValue, "title": t("report_" + $0.rawValue + "_title"), "current": $0 == template] },
            "canCases": principal.role.may(.readCases), "canTests": principal.role.may(.readTests),
        ]
        return pages.render("report", title: t("report_" + template.rawValue + "_title") + " " + (from == to ? to : "\(from) – \(to)"),
                            model: model, context: context, request: request)
    }
}
