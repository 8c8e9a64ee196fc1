import Codes
import Accounts
import Domain
import Foundation
import Hummingbird
import Laboratory

/// Sampling stations and laboratories: tubes (single or pooled), reception, results by hand or from instruments
/// (HL7 v2), and a person's tests. Thin: `LabStore` checks roles and areas and writes the audit log.
struct LabController {
    let services: Services
    /// The pages' strings: the workbook's headings are the lab page's.
    let catalogue: Catalogue

    struct MemberRequest: Decodable { let personId: Int64 }
    struct ReceiveRequest: Decodable { let tubes: [String] }
    struct Outcomes: Encodable, Sendable { let results: [TubeOutcome] }

    /// An instrument file's text: UTF-8, else Latin-1 (older instruments), at most 10 MB.
    static func text(of request: Request, what: String) async throws -> String {
        let buffer = try await request.body.collect(upTo: 10 << 20)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) ?? String(bytes: buffer.readableBytesView, encoding: .isoLatin1) else {
            throw ValidationFailure([FieldError("body", what)])
        }
        return text
    }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.post("/api/v1/samples") { request, context -> JSONResponse<Sample> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewSample.self, from: request, context: context)
            let (sample, created) = try await services.lab.collect(body, by: principal, trace: context.trace())
            return JSONResponse(sample, status: created ? .created : .ok)
        }
        router.get("/api/v1/samples/{tube}") { _, context -> JSONResponse<Sample> in
            let principal = try context.requirePrincipal()
            return JSONResponse(try await services.lab.sample(try context.parameters.require("tube"), by: principal, trace: context.trace()))
        }
        router.post("/api/v1/samples/{tube}/members") { request, context -> JSONResponse<Sample> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(MemberRequest.self, from: request, context: context)
            return JSONResponse(try await services.lab.addMember(body.personId, to: try context.parameters.require("tube"), by: principal,
                                                                 trace: context.trace()))
        }
        router.post("/api/v1/samples/{tube}/close") { _, context -> JSONResponse<Sample> in
            let principal = try context.requirePrincipal()
            return JSONResponse(try await services.lab.close(try context.parameters.require("tube"), by: principal, trace: context.trace()))
        }
        router.post("/api/v1/samples/{tube}/result") { request, context -> JSONResponse<ListDTO<PersonTest>> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(ResultInput.self, from: request, context: context)
            let tests = try await services.lab.record(body, for: try context.parameters.require("tube"), by: principal, trace: context.trace())
            return JSONResponse(ListDTO(items: tests), status: .created)
        }
        router.post("/api/v1/lab/receive") { request, context -> JSONResponse<Outcomes> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(ReceiveRequest.self, from: request, context: context)
            return JSONResponse(Outcomes(results: try await services.lab.receive(body.tubes, by: principal, trace: context.trace())))
        }
        // A correction of a result already given: audited, with its reason; answers what it changed.
        router.post("/api/v1/samples/{tube}/correction") { request, context -> JSONResponse<ResultCorrection> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(CorrectionInput.self, from: request, context: context)
            return JSONResponse(try await services.lab.correct(body, for: try context.parameters.require("tube"), by: principal, trace: context.trace()))
        }
        // Instrument output: one or more HL7 v2 ORU^R01 messages (Content-Type application/hl7-v2), a result each.
        router.post("/api/v1/lab/hl7") { request, context -> JSONResponse<Outcomes> in
            let principal = try context.requirePrincipal()
            let text = try await Self.text(of: request, what: "HL7 text")
            return JSONResponse(Outcomes(results: try await services.lab.importHL7(text, by: principal, trace: context.trace())))
        }
        // The same from an instrument's or LIS's CSV export (InstrumentCSV), a result per row.
        router.post("/api/v1/lab/csv") { request, context -> JSONResponse<Outcomes> in
            let principal = try context.requirePrincipal()
            let text = try await Self.text(of: request, what: "CSV text")
            return JSONResponse(Outcomes(results: try await services.lab.importCSV(text, by: principal, trace: context.trace())))
        }
        router.get("/api/v1/lab/stats") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let today = LocalDay.string(Date())
            let grouping = q.get("groupBy") ?? "day"
            guard let groupBy = LabStats.Grouping(rawValue: grouping) else {
                throw ValidationFailure([FieldError("groupBy", "day, commune or method")])
            }
            guard let pendingHours = Int(q.get("pendingHours") ?? "24") else { throw ValidationFailure([FieldError("pendingHours", "hours, a number")]) }
            let stats = try await services.lab.stats(from: q.get("from") ?? LocalDay.adding(-6, to: today) ?? today, to: q.get("to") ?? today,
                                                     groupBy: groupBy, pendingHours: pendingHours, by: principal, trace: context.trace())
            if q.get("format") == "csv" {
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                       .contentDisposition: "attachment; filename=\"lab-stats-\(stats.from)-\(stats.to).csv\""],
                                body: .init(byteBuffer: ByteBuffer(string: stats.csv)))
            }
            if q.get("format") == "xlsx" {
                let text = { (key: String) in catalogue.text(key, .vi) }
                let names = try await LabStatsExport.labels(stats, areas: services.areas, vintage: services.config.vintage, text: text)
                return LabStatsExport.xlsxResponse(stats, label: { names[$0] ?? $0 }, text: text)
            }
            return try JSONResponse(stats).response(from: request, context: context)
        }
        // Self-registration (no sign-in; rate-limited) or staff registering someone (with a token).
        router.post("/api/v1/test-sites") { request, context -> JSONResponse<TestSite> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewTestSite.self, from: request, context: context)
            return JSONResponse(try await services.lab.createSite(body, by: principal, trace: context.trace()), status: .created)
        }
        // Public: where to go, and the free places per hour.
        router.get("/api/v1/test-sites") { request, _ -> JSONResponse<ListDTO<TestSite>> in
            let commune = request.uri.queryParameters.get("commune").flatMap { $0.isEmpty ? nil : $0 }
            return JSONResponse(ListDTO(items: try await services.lab.sites(commune: commune)))
        }
        router.get("/api/v1/test-sites/{id}/slots") { request, context -> JSONResponse<ListDTO<SiteSlot>> in
            guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such site") }
            let day = try TravelController.day(request)
            return JSONResponse(ListDTO(items: try await services.lab.slots(site: id, day: day)))
        }
        router.post("/api/v1/test-registrations") { request, context -> JSONResponse<Registration> in
            let body = try await JSONBody.decode(NewRegistration.self, from: request, context: context)
            let principal = context.session?.principal
            return JSONResponse(try await services.lab.register(body, by: principal, trace: context.trace()), status: .created)
        }
        // A list as CSV (`full_name,id_number,phone,birth_year,commune_code`), `?reason=`: an answer per row.
        router.post("/api/v1/test-registrations/import") { request, context -> JSONResponse<RegistrationImport> in
            let principal = try context.requirePrincipal()
            guard let reason = TestReason(rawValue: request.uri.queryParameters.get("reason") ?? "screening") else {
                throw ValidationFailure([FieldError("reason", TestReason.allCases.map(\.rawValue).joined(separator: ", "))])
            }
            let body = try await request.body.collect(upTo: 20 << 20)
            let bytes = Array(body.readableBytesView)
            // An Excel workbook (a ZIP) or CSV text, whatever the content type says: offices send both.
            if XLSXReader.isXLSX(bytes) {
                let rows: [XLSXReader.Row]
                do { rows = try XLSXReader.rows(bytes) } catch let unreadable as XLSXReader.Unreadable {
                    throw BadRequestBody(detail: "The spreadsheet cannot be read: \(unreadable.reason).", errors: [])
                }
                return JSONResponse(try await services.lab.importRegistrations(
                    records: rows.map { CSVRecord(line: $0.number, fields: $0.cells.map { $0.trimmingCharacters(in: .whitespaces) }) },
                    reason: reason, by: principal, trace: context.trace()))
            }
            guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
                throw BadRequestBody(detail: "Send CSV in UTF-8 or an Excel workbook (.xlsx).", errors: [])
            }
            return JSONResponse(try await services.lab.importRegistrations(text, reason: reason, by: principal, trace: context.trace()))
        }
        router.get("/api/v1/persons/{id}/tests") { _, context -> JSONResponse<ListDTO<PersonTest>> in
            let principal = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such person") }
            return JSONResponse(ListDTO(items: try await services.lab.tests(person: id, by: principal, trace: context.trace())))
        }
    }
}
