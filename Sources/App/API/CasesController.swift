import Accounts
import ContactTracing
import Domain
import Foundation
import Hummingbird
import People

/// The person registry, cases, tracing runs, contact decisions and the commune station's follow-up. Thin: the
/// stores check roles and areas and write the audit log.
struct CasesController {
    let services: Services

    struct ReclassifyRequest: Decodable {
        let classification: Classification
        let reason: String
        let facts: CaseFacts?
    }

    struct EventRequest: Decodable {
        let kind: CaseEventKind
        let day: String?
        let detail: String?
        let facts: CaseFacts?
    }

    struct DeclaredContactRequest: Decodable {
        let personId: Int64
        let relation: String
    }

    struct ClusterCasesRequest: Decodable {
        let caseIds: [Int64]
    }

    struct ClusterEndRequest: Decodable {
        /// null reopens the cluster.
        let endedOn: String?
    }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.post("/api/v1/clusters") { request, context -> JSONResponse<Cluster> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewCluster.self, from: request, context: context)
            return JSONResponse(try await services.clusters.create(body, by: principal, trace: context.trace()), status: .created)
        }
        router.get("/api/v1/clusters") { _, context -> JSONResponse<ListDTO<Cluster>> in
            let principal = try context.requirePrincipal()
            return JSONResponse(ListDTO(items: try await services.clusters.list(by: principal, trace: context.trace())))
        }
        router.get("/api/v1/clusters/{id}") { _, context -> JSONResponse<Cluster> in
            let principal = try context.requirePrincipal()
            return JSONResponse(try await services.clusters.get(try Self.id(context), by: principal, trace: context.trace()))
        }
        router.post("/api/v1/clusters/{id}/cases") { request, context -> JSONResponse<Cluster> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(ClusterCasesRequest.self, from: request, context: context)
            return JSONResponse(try await services.clusters.add(body.caseIds, to: try Self.id(context), by: principal, trace: context.trace()))
        }
        router.post("/api/v1/clusters/{id}/end") { request, context -> JSONResponse<Cluster> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(ClusterEndRequest.self, from: request, context: context)
            return JSONResponse(try await services.clusters.end(try Self.id(context), on: body.endedOn, by: principal, trace: context.trace()))
        }
        router.get("/api/v1/cases/{id}/chain.svg") { _, context -> Response in
            let principal = try context.requirePrincipal()
            let id = try Self.id(context)
            let chain = try await services.cases.chain(id, by: principal, trace: context.trace(purpose: "transmission chain"))
            return Response(status: .ok, headers: [.contentType: "image/svg+xml; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: ChainDiagram.svg(chain, highlight: id, title: "Chuỗi lây nhiễm ca \(id)"))))
        }
        router.post("/api/v1/persons") { request, context -> JSONResponse<Person> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewPerson.self, from: request, context: context)
            return JSONResponse(try await services.persons.create(body, by: principal, trace: context.trace()), status: .created)
        }
        router.get("/api/v1/persons") { request, context -> JSONResponse<ListDTO<Person>> in
            let principal = try context.requirePrincipal()
            let q = request.uri.queryParameters
            let people = try await services.persons.search(q.get("q") ?? "", communeCode: q.get("commune"), by: principal,
                                                           trace: context.trace(purpose: q.get("purpose")))
            return JSONResponse(ListDTO(items: people))
        }
        router.get("/api/v1/persons/{id}") { _, context -> JSONResponse<Person> in
            let principal = try context.requirePrincipal()
            return JSONResponse(try await services.persons.get(try Self.id(context), by: principal, trace: context.trace()))
        }

        router.get("/api/v1/cases") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let filter = try Self.filter(request)
            let items = try await services.cases.list(filter, by: principal, trace: context.trace(purpose: "case list"))
            switch request.uri.queryParameters.get("format") ?? "json" {
            case "csv": return CaseExport.csvResponse(items)
            case "xlsx": return CaseExport.xlsxResponse(items)
            case "json": return try JSONResponse(ListDTO(items: items)).response(from: request, context: context)
            default: throw ValidationFailure([FieldError("format", "json, csv or xlsx")])
            }
        }
        router.post("/api/v1/cases") { request, context -> JSONResponse<CaseRecord> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewCase.self, from: request, context: context)
            return JSONResponse(try await services.cases.open(body, by: principal, trace: context.trace()), status: .created)
        }
        router.get("/api/v1/cases/queue") { _, context -> JSONResponse<ListDTO<CaseListItem>> in
            let principal = try context.requirePrincipal()
            return JSONResponse(ListDTO(items: try await services.cases.queue(by: principal, trace: context.trace(purpose: "follow-up queue"))))
        }
        router.get("/api/v1/cases/{id}") { _, context -> JSONResponse<CaseDetail> in
            let principal = try context.requirePrincipal()
            return JSONResponse(try await services.cases.detail(try Self.id(context), by: principal, trace: context.trace()))
        }
        router.patch("/api/v1/cases/{id}") { request, context -> JSONResponse<CaseRecord> in
            let principal = try context.requirePrincipal()
            let facts = try await JSONBody.decode(CaseFacts.self, from: request, context: context)
            return JSONResponse(try await services.cases.update(try Self.id(context), facts: facts, by: principal, trace: context.trace()))
        }
        router.post("/api/v1/cases/{id}/classification") { request, context -> JSONResponse<CaseRecord> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(ReclassifyRequest.self, from: request, context: context)
            return JSONResponse(try await services.cases.reclassify(try Self.id(context), to: body.classification, reason: body.reason,
                                                                    facts: body.facts ?? CaseFacts(), by: principal, trace: context.trace()))
        }
        router.post("/api/v1/cases/{id}/trace") { request, context -> JSONResponse<TraceRun> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decodeOptional(TraceRequest.self, from: request, context: context) ?? TraceRequest()
            return JSONResponse(try await services.investigation.trace(try Self.id(context), body, by: principal, trace: context.trace()), status: .created)
        }
        router.get("/api/v1/cases/{id}/trace-runs/{run}") { request, context -> JSONResponse<TraceRun> in
            let principal = try context.requirePrincipal()
            guard let run = Int64(try context.parameters.require("run")) else { throw NotFound("no such tracing run") }
            return JSONResponse(try await services.investigation.run(run, of: try Self.id(context), page: try Self.page(request),
                                                                     by: principal, trace: context.trace()))
        }
        router.post("/api/v1/cases/{id}/contacts") { request, context -> JSONResponse<ListDTO<DecisionOutcome>> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(ContactDecision.self, from: request, context: context)
            return JSONResponse(ListDTO(items: try await services.investigation.decide(try Self.id(context), body, by: principal, trace: context.trace())))
        }
        router.post("/api/v1/cases/{id}/declared-contacts") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(DeclaredContactRequest.self, from: request, context: context)
            try await services.investigation.declare(try Self.id(context), person: body.personId, relation: body.relation, by: principal,
                                                     trace: context.trace())
            return Response(status: .noContent)
        }
        router.post("/api/v1/cases/{id}/events") { request, context -> JSONResponse<CaseRecord> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(EventRequest.self, from: request, context: context)
            return JSONResponse(try await services.cases.record(body.kind, on: try Self.id(context), day: body.day ?? LocalDay.string(Date()),
                                                               detail: body.detail ?? "", facts: body.facts ?? CaseFacts(), by: principal,
                                                               trace: context.trace()))
        }
    }

    static func id(_ context: SentinelContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such record") }
        return id
    }

    /// `?offset=&limit=&decision=&minMinutes=` of a tracing run's candidates; blank fields are absent.
    static func page(_ request: Request) throws -> CandidatePage {
        let q = request.uri.queryParameters
        let field = { (name: String) in q.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        var page = CandidatePage()
        var v = Validator()
        if let offset = field("offset") {
            v.require(Int(offset) != nil, "offset", "a number")
            page.offset = Int(offset) ?? 0
        }
        if let limit = field("limit") {
            v.require(Int(limit) != nil, "limit", "a number")
            page.limit = Int(limit) ?? CandidatePage.defaultLimit
        }
        page.decision = field("decision")
        if let minutes = field("minMinutes") {
            v.require(Double(minutes) != nil, "minMinutes", "a number of minutes")
            page.minMinutes = Double(minutes)
        }
        try v.check()
        return try page.validated()
    }

    static func filter(_ request: Request) throws -> CaseFilter {
        let q = request.uri.queryParameters
        var filter = CaseFilter()
        var v = Validator()
        if let c = q.get("classification"), !c.isEmpty {
            filter.classification = Classification(rawValue: c)
            v.require(filter.classification != nil, "classification", "F0, F1, F2 or suspected")
        }
        if let f = q.get("followUp"), !f.isEmpty {
            filter.followUp = CaseFollowUp(rawValue: f)
            v.require(filter.followUp != nil, "followUp", CaseFollowUp.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let area = q.get("area"), !area.isEmpty {
            v.require(AreaCode.isWellFormed(area), "area", "a district or commune code")
            filter.areaCode = area
        }
        filter.from = q.get("from").flatMap { $0.isEmpty ? nil : $0 }
        filter.to = q.get("to").flatMap { $0.isEmpty ? nil : $0 }
        if let limit = q.get("limit") {
            v.require(Int(limit) != nil, "limit", "a number")
            filter.limit = Int(limit) ?? 500
        }
        if let offset = q.get("offset") {
            v.require(Int(offset) != nil, "offset", "a number")
            filter.offset = Int(offset) ?? 0
        }
        try v.check()
        return filter
    }
}
