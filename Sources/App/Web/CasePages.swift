import Accounts
import ContactTracing
import Domain
import Foundation
import Hummingbird
import People

/// The investigator's pages: case list and quick entry of a positive case, the case page (tracing, reclassification,
/// follow-up), a tracing run with bulk confirm/reject, and the commune health station's queue.
struct CasePages {
    let services: Services
    let pages: PageRenderer

    static func clock(_ date: Date) -> String {
        let f = DateFormatter()
        f.timeZone = LocalDay.timeZone
        f.dateFormat = "HH:mm dd/MM/yyyy"
        return f.string(from: date)
    }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/cases") { request, context in try await list(request, context, errors: [], form: [:]) }
        router.post("/cases") { request, context in try await quickEntry(request, context) }
        router.get("/cases/queue") { request, context in try await queue(request, context) }
        router.get("/cases/{id}") { request, context in try await show(request, context, id: try CasesController.id(context), errors: [], notice: nil) }
        router.post("/cases/{id}/trace") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let id = try CasesController.id(context)
            let f = context.form
            var trace = TraceRequest()
            trace.marginMinutes = f["marginMinutes"].flatMap { Int($0) }
            trace.from = f["from"].flatMap(Self.localInstant)
            trace.to = f["to"].flatMap(Self.localInstant)
            trace.limit = 1  // the run page that follows reads its own page of candidates
            do {
                let run = try await services.investigation.trace(id, trace, by: principal, trace: context.trace(purpose: "investigation"))
                return Response.redirect(to: "/cases/\(id)/runs/\(run.runId)", type: .normal)
            } catch let failure as ValidationFailure {
                return try await show(request, context, id: id, errors: failure.errors, notice: nil, status: .unprocessableContent)
            } catch let conflict as CaseConflict {
                return try await show(request, context, id: id, errors: [FieldError("case", conflict.reason)], notice: nil, status: .conflict)
            }
        }
        router.get("/cases/{id}/runs/{run}") { request, context in try await run(request, context) }
        router.post("/cases/{id}/runs/{run}/decide") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let id = try CasesController.id(context)
            guard let runID = Int64(try context.parameters.require("run")) else { throw NotFound("no such tracing run") }
            let f = context.form
            let people = f.keys.filter { $0.hasPrefix("p_") }.compactMap { Int64($0.dropFirst(2)) }.sorted()
            let decision: Decision = f["decision"] == "rejected" ? .rejected : .confirmed
            // Back to the page the decisions were taken on, with its filter.
            let back = Self.pageQuery(offset: f["offset"].flatMap { Int($0) } ?? 0, limit: f["limit"].flatMap { Int($0) } ?? CandidatePage.defaultLimit,
                                      decision: f["filterDecision"], minMinutes: f["minMinutes"])
            guard !people.isEmpty else { return Response.redirect(to: "/cases/\(id)/runs/\(runID)?none=1\(back)", type: .normal) }
            _ = try await services.investigation.decide(id, ContactDecision(runId: runID, personIds: people, decision: decision,
                                                                            quarantineSetting: f["quarantineSetting"].flatMap(QuarantineSetting.init(rawValue:))),
                                                        by: principal, trace: context.trace(purpose: "investigation"))
            return Response.redirect(to: "/cases/\(id)/runs/\(runID)?done=\(people.count)\(back)", type: .normal)
        }
        router.post("/cases/{id}/cluster") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let id = try CasesController.id(context)
            guard let cluster = context.form["clusterId"].flatMap(Int64.init) else {
                return try await show(request, context, id: id, errors: [FieldError("clusterId", "choose a cluster")], notice: nil, status: .unprocessableContent)
            }
            _ = try await services.clusters.add([id], to: cluster, by: principal, trace: context.trace())
            return Response.redirect(to: "/cases/\(id)", type: .normal)
        }
        router.post("/cases/{id}/classification") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let id = try CasesController.id(context)
            let f = context.form
            var facts = CaseFacts()
            facts.confirmedOn = f["confirmedOn"].flatMap { $0.isEmpty ? nil : $0 }
            do {
                guard let target = f["classification"].flatMap(Classification.init(rawValue:)) else {
                    throw ValidationFailure([FieldError("classification", "F0, F1, F2 or suspected")])
                }
                _ = try await services.cases.reclassify(id, to: target, reason: f["reason"] ?? "", facts: facts, by: principal, trace: context.trace())
                return Response.redirect(to: "/cases/\(id)", type: .normal)
            } catch let failure as ValidationFailure {
                return try await show(request, context, id: id, errors: failure.errors, notice: nil, status: .unprocessableContent)
            } catch let conflict as CaseConflict {
                return try await show(request, context, id: id, errors: [FieldError("classification", conflict.reason)], notice: nil, status: .conflict)
            }
        }
        router.post("/cases/{id}/events") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let id = try CasesController.id(context)
            let f = context.form
            var facts = CaseFacts()
            facts.quarantineSetting = f["quarantineSetting"].flatMap(QuarantineSetting.init(rawValue:))
            facts.quarantinePlace = f["quarantinePlace"].flatMap { $0.isEmpty ? nil : $0 }
            facts.vaccinated = f["vaccinated"].map { $0 == "yes" }
            do {
                guard let kind = f["kind"].flatMap(CaseEventKind.init(rawValue:)) else {
                    throw ValidationFailure([FieldError("kind", CaseEventKind.allCases.map(\.rawValue).joined(separator: ", "))])
                }
                _ = try await services.cases.record(kind, on: id, day: f["day"].flatMap { $0.isEmpty ? nil : $0 } ?? LocalDay.string(Date()),
                                                    detail: f["detail"] ?? "", facts: facts, by: principal, trace: context.trace())
                return Response.redirect(to: f["back"] == "queue" ? "/cases/queue" : "/cases/\(id)", type: .normal)
            } catch let failure as ValidationFailure {
                return try await show(request, context, id: id, errors: failure.errors, notice: nil, status: .unprocessableContent)
            } catch let conflict as CaseConflict {
                return try await show(request, context, id: id, errors: [FieldError("kind", conflict.reason)], notice: nil, status: .conflict)
            }
        }
    }

    /// A `datetime-local` field's value, read as Vietnam time.
    static func localInstant(_ value: String) -> Date? {
        guard !value.isEmpty else { return nil }
        let f = DateFormatter()
        f.timeZone = LocalDay.timeZone
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = value.count == 16 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss"
        return f.date(from: value)
    }

    private func label(_ prefix: String, _ value: String?, _ context: SentinelContext) -> String {
        value.map { pages.text(prefix + $0, context) } ?? ""
    }

    private func list(_ request: Request, _ context: SentinelContext, errors: [FieldError], form: [String: String],
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try context.requirePrincipal()
        let filter = try CasesController.filter(request)
        let items = try await services.cases.list(filter, by: principal, trace: context.trace(purpose: "case list"))
        let q = request.uri.queryParameters
        let query = ["classification", "followUp", "from", "to", "area"].compactMap { key in q.get(key).map { "\(key)=\($0)" } }.joined(separator: "&")
        let model: [String: Any] = [
            "cases": items.map { c in
                ["id": c.id, "name": c.fullName, "birthYear": c.birthYear.map(String.init) ?? "", "phone": c.phone ?? "",
                 "classification": c.classification.rawValue, "communeCode": c.communeCode, "reportedOn": c.reportedOn,
                 "followUp": label("case_followup_", c.followUp.rawValue, context), "severity": label("severity_", c.severity?.rawValue, context),
                 "quarantineEnd": c.quarantineEnd ?? ""] as [String: Any]
            },
            "classes": Classification.allCases.map { ["value": $0.rawValue, "selected": filter.classification == $0] },
            "filter": ["from": filter.from ?? "", "to": filter.to ?? ""],
            "exportQuery": query.isEmpty ? "" : "&" + query,
            "canOpen": principal.role.may(.manageCases), "canQueue": principal.role.may(.followUpCases),
            "today": LocalDay.string(Date()),
            "severities": Severity.allCases.map { ["value": $0.rawValue, "label": pages.text("severity_" + $0.rawValue, context)] },
            "errors": errors.map { ["field": $0.field, "reason": $0.reason] }, "hasErrors": !errors.isEmpty, "form": form,
        ]
        return pages.render("cases", title: pages.text("cases_title", context), model: model, context: context, request: request, status: status)
    }

    /// A positive case from the lab or hospital, entered in one form: the person (found again by ID number) and the F0 case.
    private func quickEntry(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let f = context.form
        func value(_ key: String) -> String? { f[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        do {
            let entry = NewPerson(fullName: f["fullName"] ?? "", sex: value("sex").flatMap(Sex.init(rawValue:)), birthYear: value("birthYear").flatMap { Int($0) },
                                  idNumber: value("idNumber"), phones: value("phone").map { [$0] }, address: value("address"), communeCode: value("communeCode"))
            var v = Validator()
            v.require(value("birthYear") == nil || entry.birthYear != nil, "birthYear", "a year such as 1985")
            try v.check()
            let person: Person
            do {
                person = try await services.persons.create(entry, by: principal, trace: context.trace())
            } catch let duplicate as DuplicatePerson where duplicate.certain {
                // The same ID number: this is that person.
                person = duplicate.matches[0].person
            }
            var facts = CaseFacts()
            facts.confirmedOn = value("confirmedOn")
            facts.onsetOn = value("onsetOn")
            facts.sampledOn = value("sampledOn")
            facts.testReference = value("testReference")
            facts.severity = value("severity").flatMap(Severity.init(rawValue:))
            let opened = try await services.cases.open(NewCase(personId: person.id, classification: .f0, communeCode: value("communeCode"),
                                                               reason: "ca dương tính nhập từ trang danh sách", facts: facts),
                                                       by: principal, trace: context.trace())
            return Response.redirect(to: "/cases/\(opened.id)", type: .normal)
        } catch let failure as ValidationFailure {
            return try await list(request, context, errors: failure.errors, form: f, status: .unprocessableContent)
        } catch let conflict as any ConflictingState {
            return try await list(request, context, errors: conflict.fields.isEmpty ? [FieldError("person", conflict.detail)] : conflict.fields,
                                  form: f, status: .conflict)
        }
    }

    private func show(_ request: Request, _ context: SentinelContext, id: Int64, errors: [FieldError], notice: String?,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try context.requirePrincipal()
        let detail = try await services.cases.detail(id, by: principal, trace: context.trace(purpose: "case page"))
        let r = detail.record, p = detail.person, facts = r.facts
        let t = { (key: String) in pages.text(key, context) }
        var factRows: [[String: String]] = []
        func add(_ key: String, _ value: String?) { if let value, !value.isEmpty { factRows.append(["label": t(key), "value": value]) } }
        add("confirmed_on", facts.confirmedOn)
        add("test_reference", facts.testReference)
        add("onset_on", facts.onsetOn)
        add("sampled_on", facts.sampledOn)
        add("isolated_on", facts.isolatedOn)
        add("severity", label("severity_", facts.severity?.rawValue, context))
        add("care_place", label("care_", facts.carePlace?.rawValue, context))
        add("outcome", facts.outcome.map { t("outcome_" + $0.rawValue) + " " + (facts.outcomeOn ?? "") })
        add("last_exposure_on", facts.lastExposureOn)
        add("quarantine", facts.quarantineSetting.map { t("quarantine_" + $0.rawValue) + (facts.quarantinePlace.map { " — " + $0 } ?? "") })
        add("quarantine_from_to", facts.quarantineStart.map { $0 + " → " + (facts.quarantineEnd ?? "?") })
        add("quarantine_rule", r.quarantineRule)
        add("released_on", facts.releasedOn)
        add("follow_up", label("case_followup_", r.followUp.rawValue, context))
        let traceable = r.classification.contactsAre != nil
        var chainSVG = ""
        if !detail.sources.isEmpty || !detail.contacts.isEmpty {
            let chain = try await services.cases.chain(id, by: principal, trace: context.trace(purpose: "case page"))
            chainSVG = ChainDiagram.svg(chain, highlight: id, title: "\(t("chain")) #\(id)")
        }
        // Its cluster (named when the reader's area holds it) and, for those who group cases, the clusters to add it to.
        let clusters = try await services.clusters.list(by: principal, trace: context.trace(purpose: "case page"))
        var cluster: [String: Any]?
        if let clusterID = r.clusterId {
            cluster = ["id": clusterID, "name": clusters.first { $0.id == clusterID }?.name ?? "#\(clusterID)"]
        }
        let clusterChoices = principal.role.may(.manageCases) && r.clusterId == nil
            ? clusters.filter { $0.endedOn == nil }.map { ["id": $0.id, "name": $0.name] as [String: Any] } : []
        var model: [String: Any] = [
            "case": ["id": r.id, "classification": r.classification.rawValue, "communeCode": r.communeCode, "reportedOn": r.reportedOn],
            "person": ["name": p.fullName, "idNumber": p.idNumber ?? "", "phones": p.phones.joined(separator: ", "), "address": p.address ?? "",
                       "communeCode": p.communeCode ?? "", "birth": p.birthDate ?? p.birthYear.map(String.init) ?? ""],
            "facts": factRows,
            "history": detail.history.map { ["classification": $0.classification.rawValue, "at": Self.clock($0.changedAt), "by": $0.changedBy ?? "",
                                             "reason": $0.reason] },
            "sources": detail.sources.map { ["caseId": $0.sourceCaseId, "kind": t("source_" + $0.kind), "minutes": $0.overlapMinutes.map { String(Int($0)) } ?? ""] as [String: Any] },
            "contacts": detail.contacts.map { ["caseId": $0.caseId, "kind": t("source_" + $0.kind), "minutes": $0.overlapMinutes.map { String(Int($0)) } ?? ""] as [String: Any] },
            "events": detail.events.map { ["kind": t("event_" + $0.kind.rawValue), "day": $0.day, "detail": $0.detail, "by": $0.recordedBy ?? ""] },
            "runs": detail.runs.map { ["id": $0.id, "caseId": r.id, "at": Self.clock($0.runAt), "window": Self.clock($0.windowFrom) + " → " + Self.clock($0.windowTo),
                                       "candidates": $0.candidateCount, "confirmed": $0.confirmed, "rejected": $0.rejected] as [String: Any] },
            "canTrace": traceable && principal.role.may(.traceCases),
            "traceHint": t(r.classification == .f0 ? "trace_hint_f0" : "trace_hint_f1"),
            "canManage": principal.role.may(.manageCases),
            "canFollowUp": principal.role.may(.followUpCases) && (r.classification == .f1 || r.classification == .f2),
            "classes": Classification.allCases.filter { $0 != r.classification }.map { ["value": $0.rawValue] },
            "eventKinds": CaseEventKind.allCases.map { ["value": $0.rawValue, "label": t("event_" + $0.rawValue)] },
            "today": LocalDay.string(Date()), "chainSVG": chainSVG,
            "errors": errors.map { ["field": $0.field, "reason": $0.reason] }, "hasErrors": !errors.isEmpty, "notice": notice ?? "",
        ]
        if let cluster { model["cluster"] = cluster }
        if !clusterChoices.isEmpty { model["clusterChoices"] = clusterChoices; model["hasClusterChoices"] = true }
        return pages.render("case", title: "\(t("case")) \(r.id) — \(p.fullName)", model: model, context: context, request: request, status: status)
    }

    private func run(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try CasesController.id(context)
        guard let runID = Int64(try context.parameters.require("run")) else { throw NotFound("no such tracing run") }
        let page = try CasesController.page(request)
        let run = try await services.investigation.run(runID, of: id, page: page, by: principal, trace: context.trace(purpose: "investigation"))
        let t = { (key: String) in pages.text(key, context) }
        let filter = (decision: page.decision ?? "", minMinutes: page.minMinutes.map { String(format: "%g", $0) } ?? "")
        let link = { (offset: Int) in "/cases/\(id)/runs/\(runID)?" + Self.pageQuery(offset: offset, limit: page.limit, decision: filter.decision, minMinutes: filter.minMinutes).dropFirst() }
        let venueNames = Dictionary(run.presences.map { ($0.venueId, $0.name) }, uniquingKeysWith: { a, _ in a })
        let q = request.uri.queryParameters
        var model: [String: Any] = [
            "caseId": id, "runId": runID,
            "window": Self.clock(run.windowFrom) + " → " + Self.clock(run.windowTo), "margin": run.marginMinutes,
            "presences": run.presences.map { ["name": $0.name, "type": t("venue_type_" + $0.type.rawValue), "from": Self.clock($0.from), "to": Self.clock($0.to)] },
            "candidates": run.candidates.map { c in
                ["personId": c.personId, "rank": c.rank, "name": c.fullName, "birthYear": c.birthYear.map(String.init) ?? "", "phone": c.phone ?? "",
                 "communeCode": c.communeCode ?? "", "classification": c.classification?.rawValue ?? "",
                 "minutes": String(format: "%.0f", c.overlapMinutes), "venues": c.sharedVenues,
                 "sources": c.sources.map { t("source_" + $0.rawValue) }.joined(separator: ", "),
                 "evidence": c.evidence.map { e in
                     ["venue": venueNames[e.venueId] ?? "#\(e.venueId)", "from": Self.clock(e.from), "to": Self.clock(e.to),
                      "contact": Self.clock(e.contactFrom) + " → " + Self.clock(e.contactTo)]
                 },
                 "decision": t("decision_" + c.decision), "pending": c.decision == "pending"] as [String: Any]
            },
            "count": run.matching, "total": run.candidateCount, "filtered": run.matching != run.candidateCount,
            "shownFrom": run.candidates.isEmpty ? 0 : run.offset + 1, "shownTo": run.offset + run.candidates.count,
            "paged": run.matching > run.candidates.count,
            "offset": run.offset, "limit": run.limit, "minMinutes": filter.minMinutes,
            "decisionChoices": ["pending", "confirmed", "rejected"].map { ["value": $0, "label": t("decision_" + $0), "selected": $0 == filter.decision] },
            "canDecide": principal.role.may(.traceCases),
            "none": q.get("none") != nil,
        ]
        if let done = q.get("done"), !done.isEmpty { model["done"] = done }  // an empty string would still open the section
        if run.offset > 0 { model["previous"] = link(max(0, run.offset - run.limit)) }
        if run.offset + run.candidates.count < run.matching { model["next"] = link(run.offset + run.limit) }
        return pages.render("run", title: "\(t("trace_run")) \(runID)", model: model, context: context, request: request)
    }

    /// `&offset=…&limit=…&decision=…&minMinutes=…` for the fields that are set (a run page's place and filter).
    static func pageQuery(offset: Int, limit: Int = CandidatePage.defaultLimit, decision: String?, minMinutes: String?) -> String {
        var query = ""
        if offset > 0 { query += "&offset=\(offset)" }
        if limit != CandidatePage.defaultLimit { query += "&limit=\(limit)" }
        if let decision, !decision.isEmpty { query += "&decision=" + (decision.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        if let minMinutes, !minMinutes.isEmpty { query += "&minMinutes=" + (minMinutes.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        return query
    }

    private func queue(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let items = try await services.cases.queue(by: principal, trace: context.trace(purpose: "follow-up queue"))
        let model: [String: Any] = [
            "cases": items.map { c in
                ["id": c.id, "name": c.fullName, "birthYear": c.birthYear.map(String.init) ?? "", "phone": c.phone ?? "",
                 "classification": c.classification.rawValue, "communeCode": c.communeCode, "reportedOn": c.reportedOn,
                 "followUp": label("case_followup_", c.followUp.rawValue, context), "quarantineEnd": c.quarantineEnd ?? "",
                 "inQuarantine": c.followUp == .inQuarantine] as [String: Any]
            },
            "today": LocalDay.string(Date()),
        ]
        return pages.render("casequeue", title: pages.text("case_queue_title", context), model: model, context: context, request: request)
    }
}
