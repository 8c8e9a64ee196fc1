import Accounts
import Codes
import Domain
import Foundation
import Hummingbird
import Reporting

/// Figures, epidemic levels and maps for an area: `/api/v1/stats`, `/api/v1/risk-levels`, `/api/v1/maps/{layer}.svg`,
/// `/api/v1/dashboard`. Thin: the Reporting module checks the role and the area (refusals audited).
struct ReportingController {
    let services: Services
    /// The pages' strings: the workbook's columns are the measures as the pages name them.
    let catalogue: Catalogue

    struct Assessments: Encodable, Sendable { let date: String; let items: [RiskAssessment] }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/api/v1/stats") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let query = try StatsQuery.parse(measure: q.get("measure"), area: q.get("area"), from: q.get("from"), to: q.get("to"),
                                             groupBy: q.get("groupBy"), defaultArea: principal.scopeCode, today: LocalDay.string(Date()))
            let answer = try await services.statistics.answer(query, for: principal, trace: context.trace())
            if q.get("format") == "csv" {
                let rows = answer.series.flatMap { s in s.points.map { [s.measure, $0.key, $0.label ?? "", String($0.value)] } }
                let csv = CSV.write(header: ["measure", answer.groupBy.rawValue, "name", "value"], rows: rows)
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                       .contentDisposition: "attachment; filename=\"stats-\(answer.area.code)-\(answer.from)-\(answer.to).csv\""],
                                body: .init(byteBuffer: ByteBuffer(string: csv)))
            }
            if q.get("format") == "xlsx" {
                return StatsExport.xlsxResponse(answer) { catalogue.text("measure_" + $0, .vi) }
            }
            return try JSONResponse(answer).response(from: request, context: context)
        }
        router.get("/api/v1/risk-levels") { request, context -> JSONResponse<Assessments> in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let day = q.get("date") ?? LocalDay.string(Date())
            let items = try await services.riskLevels.assess(area: q.get("area") ?? principal.scopeCode, day: day, for: principal, trace: context.trace())
            return JSONResponse(Assessments(date: day, items: items))
        }
        router.get("/api/v1/risk-levels/history") { request, context -> JSONResponse<ListDTO<RiskAssessment>> in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let to = q.get("to") ?? LocalDay.string(Date())
            let from = q.get("from") ?? LocalDay.adding(-27, to: to) ?? to
            return JSONResponse(ListDTO(items: try await services.riskLevels.history(area: q.get("area") ?? principal.scopeCode, from: from, to: to,
                                                                                     for: principal, trace: context.trace())))
        }
        router.post("/api/v1/risk-levels/announced") { request, context -> JSONResponse<AnnouncedLevel> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewAnnouncedLevel.self, from: request, context: context)
            return JSONResponse(try await services.riskLevels.announce(body, by: principal, trace: context.trace()), status: .created)
        }
        router.get("/api/v1/maps/{layer}.svg") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let name = try context.parameters.require("layer")
            guard let layer = MapLayer(rawValue: name) else {
                throw NotFound("No map layer \(name): \(MapLayer.allCases.map { $0.rawValue + ".svg" }.joined(separator: ", ")).")
            }
            let q = request.uri.queryParameters
            let svg = try await services.maps.render(layer, area: q.get("area") ?? principal.scopeCode, day: q.get("date") ?? LocalDay.string(Date()),
                                                     for: principal, trace: context.trace())
            return Self.svg(svg)
        }
        // Lists as CSV, written page by page while the client reads (a million rows never sit in memory); the same
        // lists as workbooks for people: headings in Vietnamese, numbers as numbers, streamed the same way.
        router.get("/api/v1/reports/{kind}.csv") { request, context -> Response in
            Self.csvStream(try await openReport(request, context, format: "csv"))
        }
        router.get("/api/v1/reports/{kind}.xlsx") { request, context -> Response in
            let stream = try await openReport(request, context, format: "xlsx")
            return Self.xlsxStream(stream, header: stream.kind.header.map { catalogue.text("col_" + $0, .vi) },
                                   sheet: catalogue.text("report_sheet_" + stream.kind.rawValue, .vi))
        }
        router.get("/api/v1/dashboard") { request, context -> JSONResponse<DashboardSnapshot> in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            return JSONResponse(try await services.dashboard.snapshot(area: q.get("area") ?? principal.scopeCode, day: q.get("date") ?? LocalDay.string(Date()),
                                                                      for: principal, trace: context.trace()))
        }
    }

    /// The report the path names, for the query's area and days (role and area checked, the export audited).
    func openReport(_ request: Request, _ context: SentinelContext, format: String) async throws -> ReportStream {
        let principal = try context.requirePrincipal()
        let name = try context.parameters.require("kind")
        guard let kind = ReportKind(rawValue: name) else {
            throw NotFound("No report \(name): \(ReportKind.allCases.map { $0.rawValue + "." + format }.joined(separator: ", ")).")
        }
        let q = request.uri.queryParameters
        let today = LocalDay.string(Date())
        return try await services.reports.open(kind, area: q.get("area") ?? principal.scopeCode, from: q.get("from") ?? today,
                                               to: q.get("to") ?? q.get("from") ?? today, by: principal, trace: context.trace())
    }

    /// An SVG document, never cached (figures change by the second).
    static func svg(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "image/svg+xml; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The export as a streamed workbook: each page of rows is deflated and sent as it is read.
    static func xlsxStream(_ stream: ReportStream, header: [String], sheet: String) -> Response {
        let numbers = stream.kind.integerColumns
        let body = ResponseBody { writer in
            let book = try XLSXStream(sheet: sheet, header: header)
            try await writer.write(ByteBuffer(bytes: try book.start()))
            try await stream.forEachPage { rows in
                let cells = rows.map { row in
                    row.enumerated().map { i, text -> Spreadsheet.Cell in
                        if text.isEmpty { return .empty }
                        if numbers.contains(i), let value = Double(text) { return .number(value) }
                        return .text(text)
                    }
                }
                let bytes = try book.append(cells)
                if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
            }
            try await writer.write(ByteBuffer(bytes: try book.finish()))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", .cacheControl: "no-store",
                                               .contentDisposition: "attachment; filename=\"\(stream.filename(extension: "xlsx"))\""], body: body)
    }

    /// The export as a streamed CSV download (BOM, header, then each page as it is read).
    static func csvStream(_ stream: ReportStream) -> Response {
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: CSV.byteOrderMark + CSV.line(stream.kind.header)))
            try await stream.forEachPage { rows in
                var text = ""
                text.reserveCapacity(rows.count * 96)
                for row in rows { text += CSV.line(row) }
                try await writer.write(ByteBuffer(string: text))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                               .contentDisposition: "attachment; filename=\"\(stream.filename)\""], body: body)
    }
}
