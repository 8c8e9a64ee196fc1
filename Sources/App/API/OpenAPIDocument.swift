import Foundation

/// The OpenAPI 3.1 description of every JSON route. A test compares it with the router, so a route added
/// without a line here fails the build's tests.
enum OpenAPIDocument {
    struct Operation {
        let method: String
        let path: String
        let summary: String
        let tag: String
        let secured: Bool
        var parameters: [[String: Any]] = []
        var requestSchema: String? = nil
        var responses: [String: (String, String?)]
    }

    static func query(_ name: String, _ description: String, type: String = "string") -> [String: Any] {
        ["name": name, "in": "query", "required": false, "description": description, "schema": ["type": type]]
    }

    static func pathParameter(_ name: String, _ description: String) -> [String: Any] {
        ["name": name, "in": "path", "required": true, "description": description, "schema": ["type": "string"]]
    }

    static var errors: [String: (String, String?)] {
        [
            "401": ("Not signed in, or the token expired", "Problem"),
            "403": ("Role or area scope forbids it", "Problem"),
        ]
    }

    static var operations: [Operation] { [
        Operation(method: "post", path: "/api/v1/auth/token", summary: "Exchange a username and password for a bearer token",
                  tag: "auth", secured: false, requestSchema: "TokenRequest",
                  responses: ["201": ("Signed in", "TokenResponse"), "400": ("Malformed body", "Problem"),
                              "401": ("Wrong username or password", "Problem"), "429": ("Locked after repeated failures", "Problem")]),
        Operation(method: "get", path: "/api/v1/me", summary: "The signed-in account", tag: "auth", secured: true,
                  responses: ["200": ("The account", "Account")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/areas", summary: "Administrative units under a parent (or the provinces), or by name",
                  tag: "areas", secured: true,
                  parameters: [query("vintage", "2021, 2025-01 or 2025-07; default: the deployment's"),
                               query("parent", "a province or district code"), query("q", "name search, diacritics ignored")],
                  responses: ["200": ("Units", "AreaList"), "404": ("Unknown parent", "Problem"), "422": ("Unknown vintage", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/areas/{code}", summary: "One unit with ancestors, children, population and successors",
                  tag: "areas", secured: true,
                  parameters: [pathParameter("code", "GSO code"), query("vintage", "default: the deployment's")],
                  responses: ["200": ("The unit", "AreaDetail"), "404": ("Unknown code", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/accounts", summary: "Staff accounts within the caller's area", tag: "accounts", secured: true,
                  responses: ["200": ("Accounts", "AccountList")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/accounts", summary: "Create a staff account within the caller's area", tag: "accounts",
                  secured: true, requestSchema: "NewAccount",
                  responses: ["201": ("Created", "Account"), "400": ("Malformed body", "Problem"), "409": ("Username taken", "Problem"),
                              "413": ("Body too large", "Problem"), "422": ("Invalid fields", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/accounts/{id}", summary: "One staff account", tag: "accounts", secured: true,
                  parameters: [pathParameter("id", "account id")],
                  responses: ["200": ("The account", "Account"), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/accounts/{id}/disable", summary: "Disable an account and end its sessions",
                  tag: "accounts", secured: true, parameters: [pathParameter("id", "account id")],
                  responses: ["200": ("The account", "Account"), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/accounts/{id}/enable", summary: "Enable a disabled account", tag: "accounts",
                  secured: true, parameters: [pathParameter("id", "account id")],
                  responses: ["200": ("The account", "Account"), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/audit", summary: "The access log, newest first, within the caller's area", tag: "audit",
                  secured: true,
                  parameters: [query("username", "who"), query("entity", "record type"), query("action", "what"),
                               query("from", "ISO 8601 instant"), query("to", "ISO 8601 instant"),
                               query("limit", "1–1000, default 100", type: "integer"), query("before", "entries older than this id", type: "integer")],
                  responses: ["200": ("Entries", "AuditList"), "422": ("Invalid filter", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/venues", summary: "Register a venue (approved at once for officers, pending for operators)",
                  tag: "venues", secured: true, requestSchema: "NewVenue",
                  responses: ["201": ("Registered", "Venue"), "400": ("Malformed body", "Problem"), "422": ("Invalid fields", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/venues/import",
                  summary: "Register venues from CSV (name,type,address,commune_code[,latitude,longitude]); bad rows reported by line",
                  tag: "venues", secured: true, requestSchema: nil,
                  responses: ["200": ("Rows registered, bad rows listed", "VenueImportResult"), "400": ("Unreadable CSV", "Problem"),
                              "413": ("Over 5 MiB", "Problem"), "422": ("No row could be registered", "VenueImportResult")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/venues", summary: "Venues in the caller's area, or the operator's own", tag: "venues",
                  secured: true, parameters: [query("status", "pending, approved or suspended")],
                  responses: ["200": ("Venues", "VenueList")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/venues/{id}", summary: "One venue", tag: "venues", secured: true,
                  parameters: [pathParameter("id", "venue id")],
                  responses: ["200": ("The venue", "Venue"), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/venues/{id}/approve", summary: "Approve a venue: its QR code starts accepting check-ins",
                  tag: "venues", secured: true, parameters: [pathParameter("id", "venue id")],
                  responses: ["200": ("The venue", "Venue"), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/venues/{id}/suspend", summary: "Suspend a venue: its QR code stops accepting check-ins",
                  tag: "venues", secured: true, parameters: [pathParameter("id", "venue id")],
                  responses: ["200": ("The venue", "Venue"), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/venues/{id}/qr.svg", summary: "The venue's QR code (SVG)", tag: "venues", secured: true,
                  parameters: [pathParameter("id", "venue id")],
                  responses: ["200": ("image/svg+xml", nil), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/venues/{id}/qr.png", summary: "The venue's QR code (PNG)", tag: "venues", secured: true,
                  parameters: [pathParameter("id", "venue id")],
                  responses: ["200": ("image/png", nil), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/venues/{id}/checkins", summary: "The venue's check-in log (personal data: audited)",
                  tag: "venues", secured: true,
                  parameters: [pathParameter("id", "venue id"), query("from", "ISO 8601 instant; default 24 hours before to"),
                               query("to", "ISO 8601 instant; default now")],
                  responses: ["200": ("Entries, newest first", "CheckInLog"), "404": ("Unknown id", "Problem"), "422": ("Bad window", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/checkins",
                  summary: "One check-in (public: holding the venue's QR token is enough) or a batch of up to 1,000 (signed in)",
                  tag: "checkins", secured: false, requestSchema: "CheckInOrBatch",
                  responses: ["201": ("Stored", "CheckInResult"), "200": ("Already stored (single) or per-event results (batch)", "CheckInBatchResult"),
                              "400": ("Malformed body", "Problem"), "401": ("A batch needs a token", "Problem"),
                              "403": ("The role may not send batches", "Problem"), "404": ("Unknown venue", "CheckInResult"),
                              "410": ("Venue not approved or suspended", "CheckInResult"), "413": ("More than 1,000 events", "Problem"),
                              "422": ("Rejected, with the reason", "CheckInResult")]),
        Operation(method: "post", path: "/api/v1/declarations", summary: "A citizen's health declaration (public; flagged by the rules in force)",
                  tag: "declarations", secured: false, requestSchema: "Declaration",
                  responses: ["201": ("Stored", "DeclarationReceipt"), "200": ("Already stored (same clientId)", "DeclarationReceipt"),
                              "400": ("Malformed body", "Problem"), "422": ("Invalid fields", "Problem"), "429": ("Too many requests", "Problem")]),
        Operation(method: "get", path: "/api/v1/declarations/queue", summary: "Flagged declarations awaiting a call, within the caller's area",
                  tag: "declarations", secured: true, responses: ["200": ("Queue, oldest first", "DeclarationQueue")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/declarations/{id}/follow-up", summary: "Record the follow-up: called, referred or no_action",
                  tag: "declarations", secured: true, parameters: [pathParameter("id", "declaration id")], requestSchema: "FollowUp",
                  responses: ["204": ("Recorded", nil), "404": ("Unknown id", "Problem"), "422": ("Bad status", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/declarations/counts", summary: "Declarants and flagged declarations per district on a day",
                  tag: "declarations", secured: true, parameters: [query("date", "YYYY-MM-DD, local day; default today")],
                  responses: ["200": ("Counts", "DeclarationCounts"), "422": ("Bad date", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/persons", summary: "Enter a person; possible duplicates are refused with 409 unless confirmNew",
                  tag: "persons", secured: true, requestSchema: "NewPerson",
                  responses: ["201": ("Created", "PersonRecord"), "400": ("Malformed body", "Problem"),
                              "409": ("Same ID number, or a likely duplicate (listed in errors)", "Problem"), "422": ("Invalid fields", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/persons", summary: "Search people by name (diacritics ignored), phone or ID number, within the caller's area",
                  tag: "persons", secured: true, parameters: [query("q", "a name's beginning, a phone or an ID number"), query("commune", "commune code"),
                                                              query("purpose", "why (kept in the audit log)")],
                  responses: ["200": ("People", "PersonList"), "422": ("Query too short", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/persons/{id}", summary: "One person (audited)", tag: "persons", secured: true,
                  parameters: [pathParameter("id", "person id")],
                  responses: ["200": ("The person", "PersonRecord"), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/cases", summary: "Cases in the caller's area, newest first; CSV or XLSX with format",
                  tag: "cases", secured: true,
                  parameters: [query("classification", "F0, F1, F2 or suspected"), query("followUp", "pending, contacted, unreachable, in_quarantine, released"),
                               query("area", "a district or commune inside the caller's area"), query("from", "YYYY-MM-DD (reported on)"),
                               query("to", "YYYY-MM-DD"), query("limit", "1–5000, default 500", type: "integer"),
                               query("offset", "rows to skip", type: "integer"), query("format", "json (default), csv or xlsx")],
                  responses: ["200": ("Cases", "CaseList"), "422": ("Invalid filter", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/cases", summary: "Open a case for a person (one case per person)", tag: "cases", secured: true,
                  requestSchema: "NewCase",
                  responses: ["201": ("Opened", "Case"), "400": ("Malformed body", "Problem"), "409": ("The person has a case", "Problem"),
                              "422": ("Invalid fields", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/cases/queue", summary: "The commune health station's contacts to follow up", tag: "cases",
                  secured: true, responses: ["200": ("Contacts, never-reached first", "CaseList")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/cases/{id}", summary: "A case with its person, history, chain links, events and tracing runs",
                  tag: "cases", secured: true, parameters: [pathParameter("id", "case id")],
                  responses: ["200": ("The case", "CaseDetail"), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "patch", path: "/api/v1/cases/{id}", summary: "Set facts of a case (those given); the quarantine end is recomputed",
                  tag: "cases", secured: true, parameters: [pathParameter("id", "case id")], requestSchema: "CaseFacts",
                  responses: ["200": ("The case", "Case"), "404": ("Unknown id", "Problem"), "422": ("Invalid fields", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/cases/{id}/classification", summary: "Reclassify (e.g. F1 → F0), keeping the history",
                  tag: "cases", secured: true, parameters: [pathParameter("id", "case id")], requestSchema: "Reclassify",
                  responses: ["200": ("The case", "Case"), "404": ("Unknown id", "Problem"), "409": ("Already that class", "Problem"),
                              "422": ("Invalid fields", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/cases/{id}/trace", summary: "Trace an F0 (or F1): ranked candidates with their evidence, stored as a run",
                  tag: "cases", secured: true, parameters: [pathParameter("id", "case id")], requestSchema: "TraceRequest",
                  responses: ["201": ("The run", "TraceRun"), "404": ("Unknown id", "Problem"), "409": ("Not an F0 or F1", "Problem"),
                              "422": ("Invalid window or margin", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/cases/{id}/trace-runs/{run}", summary: "A stored tracing run with the decisions taken",
                  tag: "cases", secured: true, parameters: [pathParameter("id", "case id"), pathParameter("run", "run id")],
                  responses: ["200": ("The run", "TraceRun"), "404": ("Unknown case or run", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/cases/{id}/contacts", summary: "Confirm or reject candidates of a run (confirmed → F1/F2 cases, notified)",
                  tag: "cases", secured: true, parameters: [pathParameter("id", "case id")], requestSchema: "ContactDecision",
                  responses: ["200": ("What became of each person", "DecisionList"), "404": ("Unknown case or run", "Problem"),
                              "409": ("Rejecting a confirmed contact", "Problem"), "422": ("Not candidates of the run", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/cases/{id}/declared-contacts", summary: "A contact the case named; included in the next run",
                  tag: "cases", secured: true, parameters: [pathParameter("id", "case id")], requestSchema: "DeclaredContact",
                  responses: ["204": ("Recorded", nil), "404": ("Unknown case", "Problem"), "422": ("Invalid fields", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/cases/{id}/events", summary: "Follow-up: call, unreachable, quarantine_start, test, release or note",
                  tag: "cases", secured: true, parameters: [pathParameter("id", "case id")], requestSchema: "CaseEvent",
                  responses: ["200": ("The case", "Case"), "404": ("Unknown case", "Problem"), "409": ("Not possible in this state", "Problem"),
                              "422": ("Invalid fields", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/cases/{id}/chain.svg", summary: "The transmission chain around a case, as SVG (generations as columns)",
                  tag: "cases", secured: true, parameters: [pathParameter("id", "case id")],
                  responses: ["200": ("image/svg+xml", nil), "404": ("Unknown case", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/clusters", summary: "Open a cluster (ổ dịch) with its place, dates, index case and cases",
                  tag: "clusters", secured: true, requestSchema: "NewCluster",
                  responses: ["201": ("Opened", "Cluster"), "400": ("Malformed body", "Problem"), "422": ("Invalid fields", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/clusters", summary: "Clusters in the caller's area", tag: "clusters", secured: true,
                  responses: ["200": ("Clusters", "ClusterList")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/clusters/{id}", summary: "One cluster with its cases", tag: "clusters", secured: true,
                  parameters: [pathParameter("id", "cluster id")],
                  responses: ["200": ("The cluster", "Cluster"), "404": ("Unknown id", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/clusters/{id}/cases", summary: "Add cases to a cluster", tag: "clusters", secured: true,
                  parameters: [pathParameter("id", "cluster id")], requestSchema: "ClusterCases",
                  responses: ["200": ("The cluster", "Cluster"), "404": ("Unknown id", "Problem"), "422": ("Unknown cases", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/notices", summary: "Published places visited by cases in the last 14 days (public; no personal data)",
                  tag: "cases", secured: false, responses: ["200": ("Places and times", "NoticeList"), "429": ("Rate limited", "Problem")]),
        Operation(method: "post", path: "/api/v1/certificates", summary: "Issue an EU DCC (recovery: sourceId = the recovered F0 case's id)",
                  tag: "certificates", secured: true, requestSchema: "CertificateRequest",
                  responses: ["201": ("Issued", "IssuedCertificate"), "400": ("Malformed body", "Problem"), "404": ("Unknown source", "Problem"),
                              "409": ("Nothing to certify (not recovered, period over, no results recorded)", "Problem"),
                              "422": ("Invalid fields", "Problem"), "503": ("No signing keys on this server", "Problem")]
                    .merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/certificates/{uvci}", summary: "The holder's certificate page (HTML, printable; the UVCI is the secret)",
                  tag: "certificates", secured: false, parameters: [pathParameter("uvci", "the certificate's UVCI")],
                  responses: ["200": ("text/html", nil), "404": ("Unknown certificate", "Problem"), "429": ("Rate limited", "Problem")]),
        Operation(method: "get", path: "/api/v1/certificates/{uvci}/qr.png", summary: "The certificate's QR code (alphanumeric mode, level Q) as PNG",
                  tag: "certificates", secured: false, parameters: [pathParameter("uvci", "the certificate's UVCI")],
                  responses: ["200": ("image/png", nil), "404": ("Unknown certificate", "Problem")]),
        Operation(method: "get", path: "/api/v1/certificates/{uvci}/qr.svg", summary: "The certificate's QR code as SVG",
                  tag: "certificates", secured: false, parameters: [pathParameter("uvci", "the certificate's UVCI")],
                  responses: ["200": ("image/svg+xml", nil), "404": ("Unknown certificate", "Problem")]),
        Operation(method: "post", path: "/api/v1/certificates/verify", summary: "Verify an HC1: text; every failed check is named in reasons",
                  tag: "certificates", secured: false, requestSchema: "VerifyRequest",
                  responses: ["200": ("The verdict", "Verification"), "400": ("Malformed body", "Problem")]),
        Operation(method: "post", path: "/api/v1/certificates/{uvci}/revoke", summary: "Revoke a certificate with a reason (audited)",
                  tag: "certificates", secured: true, parameters: [pathParameter("uvci", "the certificate's UVCI")], requestSchema: "RevokeRequest",
                  responses: ["200": ("Revoked", "IssuedCertificate"), "404": ("Unknown certificate", "Problem"), "409": ("Already revoked", "Problem"),
                              "422": ("No reason", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/persons/{id}/certificates", summary: "A person's certificates (audited)",
                  tag: "certificates", secured: true, parameters: [pathParameter("id", "person id")],
                  responses: ["200": ("Certificates", "IssuedCertificateList"), "404": ("Unknown person", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/certificates/{uvci}/complaints",
                  summary: "A holder reports an error; the date of birth on the certificate proves holding it (a wrong one answers 404)",
                  tag: "certificates", secured: false, parameters: [pathParameter("uvci", "the certificate's UVCI")], requestSchema: "NewComplaint",
                  responses: ["201": ("Filed", "Complaint"), "400": ("Malformed body", "Problem"), "404": ("Unknown certificate", "Problem"),
                              "422": ("Invalid fields", "Problem"), "429": ("Rate limited", "Problem")]),
        Operation(method: "get", path: "/api/v1/certificate-complaints", summary: "Complaints about certificates issued in the caller's area",
                  tag: "certificates", secured: true, parameters: [query("status", "new, in_review, corrected or rejected")],
                  responses: ["200": ("Complaints", "ComplaintList"), "422": ("Unknown status", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "post", path: "/api/v1/certificate-complaints/{id}",
                  summary: "Review, reject (with a reason) or correct a complaint; correcting revokes and reissues, and texts the citizen",
                  tag: "certificates", secured: true, parameters: [pathParameter("id", "complaint id")], requestSchema: "ComplaintResolution",
                  responses: ["200": ("Updated", "Complaint"), "404": ("Unknown complaint", "Problem"), "409": ("Already closed", "Problem"),
                              "422": ("Invalid fields", "Problem")].merging(errors) { a, _ in a }),
        Operation(method: "get", path: "/api/v1/trustlist", summary: "Trusted document signers, as a JWS (ES256) signed by the CSCA given in x5c",
                  tag: "certificates", secured: false,
                  responses: ["200": ("JWS JSON serialisation", "SignedTrustList"), "503": ("No signing keys on this server", "Problem")]),
        Operation(method: "get", path: "/api/v1/revocations", summary: "Revoked certificates as hashes (SHA-256 of the UVCI, first 16 bytes, base64)",
                  tag: "certificates", secured: false, responses: ["200": ("Revocation list", "RevocationList")]),
        Operation(method: "get", path: "/api/openapi.json", summary: "This document", tag: "meta", secured: false,
                  responses: ["200": ("OpenAPI 3.1", nil)]),
    ] }

    static var schemas: [String: Any] { [
        "Problem": object(["type": str, "title": str, "status": int, "detail": str, "requestId": str,
                           "errors": ["type": "array", "items": object(["field": str, "reason": str], required: ["field", "reason"])]],
                          required: ["type", "title", "status"]),
        "TokenRequest": object(["username": str, "password": str], required: ["username", "password"]),
        "TokenResponse": object(["token": str, "expiresAt": dateTime, "account": ref("Account")], required: ["token", "expiresAt", "account"]),
        "Area": object(["vintage": str, "code": str, "name": str, "type": str,
                        "level": ["type": "string", "enum": ["province", "district", "commune"]], "parentCode": ["type": ["string", "null"]]],
                       required: ["vintage", "code", "name", "type", "level"]),
        "AreaList": object(["vintage": str, "items": array("Area")], required: ["vintage", "items"]),
        "AreaDetail": object([
            "unit": ref("Area"), "ancestors": array("Area"), "children": array("Area"),
            "population": ["type": "array", "items": object(["areaCode": str, "year": int, "population": int, "source": str])],
            "successors": ["type": "array", "items": object(["oldCode": str, "newCode": str, "note": str])],
        ], required: ["unit", "ancestors", "children", "population", "successors"]),
        "Account": object(["id": int, "username": str, "displayName": str, "role": str, "area": str, "facilityId": ["type": ["string", "null"]],
                           "disabled": ["type": "boolean"], "createdAt": dateTime],
                          required: ["id", "username", "displayName", "role", "area", "disabled", "createdAt"]),
        "AccountList": object(["items": array("Account")], required: ["items"]),
        "NewAccount": object(["username": str, "displayName": str, "password": ["type": "string", "minLength": 10], "role": str,
                              "area": str, "facilityId": str], required: ["username", "displayName", "password", "role", "area"]),
        "AuditEntry": object(["id": int, "at": dateTime, "accountID": int, "username": str, "role": str, "action": str, "entity": str,
                              "entityID": str, "areaCode": str, "route": str, "purpose": str, "requestID": str, "outcome": str],
                             required: ["at", "action", "entity", "outcome"]),
        "AuditList": object(["items": array("AuditEntry")], required: ["items"]),
        "NewVenue": object(["name": str, "type": ["type": "string", "enum": ["agency", "business", "market", "school", "hospital", "church",
                                                                           "restaurant", "transport", "other"]],
                            "address": str, "communeCode": str, "latitude": ["type": "number"], "longitude": ["type": "number"],
                            "dwellMinutes": int], required: ["name", "type", "communeCode"]),
        "Venue": object(["id": int, "token": str, "checkInURL": str, "name": str, "type": str, "address": str, "communeCode": str,
                         "latitude": ["type": ["number", "null"]], "longitude": ["type": ["number", "null"]], "dwellMinutes": int,
                         "status": ["type": "string", "enum": ["pending", "approved", "suspended"]], "operatorAccountId": ["type": ["integer", "null"]],
                         "createdAt": dateTime], required: ["id", "token", "checkInURL", "name", "type", "communeCode", "status"]),
        "VenueList": object(["items": array("Venue")], required: ["items"]),
        "Declaration": object(["clientId": ["type": "string", "format": "uuid"], "person": ref("Person"), "communeCode": str,
                               "symptoms": ["type": "array", "items": ["type": "string", "enum": ["fever", "cough", "sore_throat",
                                            "shortness_of_breath", "loss_of_taste_or_smell", "fatigue", "other"]]],
                               "exposures": ["type": "array", "items": ["type": "string", "enum": ["contact_with_case", "visited_outbreak_area", "travelled"]]],
                               "travel": str], required: ["clientId", "person", "communeCode", "symptoms", "exposures"]),
        "DeclarationReceipt": object(["id": int, "flagged": ["type": "boolean"], "reasons": ["type": "array", "items": str],
                                      "duplicate": ["type": "boolean"]], required: ["id", "flagged", "reasons", "duplicate"]),
        "DeclarationQueue": object(["items": ["type": "array", "items": object([
            "id": int, "submittedAt": dateTime, "name": str, "phone": str, "communeCode": str, "symptoms": ["type": "array", "items": str],
            "exposures": ["type": "array", "items": str], "reasons": ["type": "array", "items": str], "followUp": str])]], required: ["items"]),
        "FollowUp": object(["status": ["type": "string", "enum": ["called", "referred", "no_action"]]], required: ["status"]),
        "DeclarationCounts": object(["items": ["type": "array", "items": object(["areaCode": str, "declarants": int, "flagged": int])]],
                                    required: ["items"]),
        "VenueImportResult": object(["registered": int, "ids": ["type": "array", "items": int],
                                     "errors": ["type": "array", "items": object(["field": str, "reason": str])]],
                                    required: ["registered", "ids", "errors"]),
        "Person": object(["idNumber": str, "phone": str, "personToken": str, "name": str, "birthYear": int, "communeCode": str]),
        "CheckIn": object(["eventId": ["type": "string", "format": "uuid"], "venueToken": str, "person": ref("Person"),
                           "checkedInAt": dateTime, "checkedOutAt": dateTime],
                          required: ["eventId", "venueToken", "person", "checkedInAt"]),
        "CheckInOrBatch": ["oneOf": [ref("CheckIn"), ["type": "array", "maxItems": 1000, "items": ref("CheckIn")]]],
        "CheckInResult": object(["eventId": str, "status": ["type": "string", "enum": ["accepted", "duplicate", "rejected"]],
                                 "reason": str, "detail": str], required: ["eventId", "status"]),
        "CheckInBatchResult": object(["results": array("CheckInResult"), "accepted": int, "duplicate": int, "rejected": int],
                                     required: ["results", "accepted", "duplicate", "rejected"]),
        "CheckInLog": object(["items": ["type": "array", "items": object([
            "eventId": str, "personId": int, "name": str, "phone": str, "checkedInAt": dateTime, "checkedOutAt": dateTime])]],
            required: ["items"]),
        "NewPerson": object(["fullName": str, "sex": ["type": "string", "enum": ["male", "female", "other"]], "birthDate": date,
                             "birthYear": int, "idNumber": str, "phones": ["type": "array", "items": str], "address": str, "communeCode": str,
                             "confirmNew": ["type": "boolean"]], required: ["fullName"]),
        "PersonRecord": object(["id": int, "fullName": str, "sex": str, "birthDate": date, "birthYear": int, "idNumber": str,
                                "phones": ["type": "array", "items": str], "address": str, "communeCode": str], required: ["id", "fullName", "phones"]),
        "PersonList": object(["items": array("PersonRecord")], required: ["items"]),
        "CaseFacts": object(["confirmedOn": date, "testReference": str, "onsetOn": date, "sampledOn": date, "isolatedOn": date,
                             "severity": ["type": "string", "enum": ["asymptomatic", "mild", "moderate", "severe", "critical"]],
                             "carePlace": ["type": "string", "enum": ["home", "tier_1", "tier_2", "tier_3"]],
                             "outcome": ["type": "string", "enum": ["recovered", "transferred", "died"]], "outcomeOn": date,
                             "lastExposureOn": date, "vaccinated": ["type": "boolean"],
                             "quarantineSetting": ["type": "string", "enum": ["home", "centralised"]], "quarantinePlace": str,
                             "quarantineStart": date, "quarantineEnd": date, "releasedOn": date]),
        "NewCase": object(["personId": int, "classification": classification, "communeCode": str, "reason": str, "facts": ref("CaseFacts")],
                          required: ["personId", "classification"]),
        "Case": object(["id": int, "personId": int, "classification": classification, "communeCode": str, "reportedOn": date,
                        "clusterId": int, "facts": ref("CaseFacts"), "quarantineRule": str, "followUp": str, "createdAt": dateTime, "updatedAt": dateTime],
                       required: ["id", "personId", "classification", "communeCode", "reportedOn", "facts", "followUp"]),
        "CaseList": object(["items": ["type": "array", "items": object([
            "id": int, "personId": int, "fullName": str, "birthYear": int, "phone": str, "classification": classification, "communeCode": str,
            "reportedOn": date, "followUp": str, "severity": str, "quarantineEnd": date])]], required: ["items"]),
        "CaseDetail": object(["record": ref("Case"), "person": ref("PersonRecord"), "history": ["type": "array", "items": object([
            "classification": classification, "changedAt": dateTime, "changedBy": str, "reason": str])],
            "sources": array("CaseLink"), "contacts": array("CaseLink"),
            "events": ["type": "array", "items": object(["kind": str, "day": date, "detail": str, "recordedAt": dateTime, "recordedBy": str])],
            "runs": ["type": "array", "items": object(["id": int, "runAt": dateTime, "windowFrom": dateTime, "windowTo": dateTime, "marginMinutes": int,
                                                       "candidateCount": int, "confirmed": int, "rejected": int])]],
            required: ["record", "person", "history", "sources", "contacts", "events", "runs"]),
        "CaseLink": object(["caseId": int, "sourceCaseId": int, "kind": str, "venueId": int, "exposureFrom": dateTime, "exposureTo": dateTime,
                            "overlapMinutes": ["type": "number"]], required: ["caseId", "sourceCaseId", "kind"]),
        "Reclassify": object(["classification": classification, "reason": str, "facts": ref("CaseFacts")], required: ["classification", "reason"]),
        "TraceRequest": object(["from": dateTime, "to": dateTime, "marginMinutes": int]),
        "TraceRun": object(["runId": int, "caseId": int, "windowFrom": dateTime, "windowTo": dateTime, "marginMinutes": int,
                            "presences": ["type": "array", "items": object(["venueId": int, "name": str, "type": str, "from": dateTime, "to": dateTime])],
                            "candidates": ["type": "array", "items": object([
                                "personId": int, "fullName": str, "birthYear": int, "phone": str, "communeCode": str, "classification": classification,
                                "rank": int, "score": ["type": "number"], "overlapMinutes": ["type": "number"], "sharedVenues": int,
                                "sources": ["type": "array", "items": ["type": "string", "enum": ["venue", "household", "declared"]]],
                                "evidence": ["type": "array", "items": object([
                                    "venueId": int, "indexFrom": dateTime, "indexTo": dateTime, "contactFrom": dateTime, "contactTo": dateTime,
                                    "from": dateTime, "to": dateTime])],
                                "decision": ["type": "string", "enum": ["pending", "confirmed", "rejected"]]])]],
                           required: ["runId", "caseId", "windowFrom", "windowTo", "marginMinutes", "presences", "candidates"]),
        "ContactDecision": object(["runId": int, "personIds": ["type": "array", "items": int, "maxItems": 2000],
                                   "decision": ["type": "string", "enum": ["confirmed", "rejected"]],
                                   "quarantineSetting": ["type": "string", "enum": ["home", "centralised"]]], required: ["runId", "personIds", "decision"]),
        "DecisionList": object(["items": ["type": "array", "items": object([
            "personId": int, "decision": str, "caseId": int, "classification": classification, "created": ["type": "boolean"]])]], required: ["items"]),
        "NewCluster": object(["name": str, "communeCode": str, "place": str, "venueId": int, "indexCaseId": int, "startedOn": date,
                              "caseIds": ["type": "array", "items": int]], required: ["name", "communeCode", "place", "startedOn"]),
        "Cluster": object(["id": int, "name": str, "communeCode": str, "place": str, "venueId": int, "indexCaseId": int, "startedOn": date,
                           "endedOn": date, "caseIds": ["type": "array", "items": int]], required: ["id", "name", "communeCode", "place", "startedOn", "caseIds"]),
        "NoticeList": object(["items": ["type": "array", "items": object(["venueName": str, "address": str, "communeCode": str, "from": dateTime,
                                                                          "to": dateTime])]], required: ["items"]),
        "CertificateRequest": object(["kind": ["type": "string", "enum": ["test", "vaccination", "recovery"]], "sourceId": str],
                                     required: ["kind", "sourceId"]),
        "IssuedCertificate": object(["uvci": str, "kind": str, "personId": int, "sourceType": str, "sourceId": str, "communeCode": str,
                                     "keyID": str, "qr": str, "holderName": str, "dateOfBirth": str, "issuedAt": dateTime, "expiresAt": dateTime,
                                     "revoked": ["type": "boolean"], "revocationReason": str, "replaces": str, "payloadJSON": str, "page": str],
                                    required: ["uvci", "kind", "qr"]),
        "IssuedCertificateList": object(["items": array("IssuedCertificate")], required: ["items"]),
        "VerifyRequest": object(["qr": str], required: ["qr"]),
        "RevokeRequest": object(["reason": str], required: ["reason"]),
        "Verification": object(["valid": ["type": "boolean"], "type": str, "name": str, "dateOfBirth": str, "issuer": str, "issuerCountry": str,
                                "issued": dateTime, "expires": dateTime, "uvci": str, "kid": str,
                                "reasons": ["type": "array", "items": object(["code": str, "detail": str], required: ["code", "detail"])]],
                               required: ["valid", "reasons"]),
        "NewComplaint": object(["category": ["type": "string", "enum": ["wrong_name", "wrong_date", "missing_dose", "not_mine", "other"]],
                                "description": str, "contact": str, "dateOfBirth": str], required: ["category", "description", "contact", "dateOfBirth"]),
        "Complaint": object(["id": int, "uvci": str, "category": str, "description": str, "contact": str,
                             "status": ["type": "string", "enum": ["new", "in_review", "corrected", "rejected"]], "resolution": str,
                             "reissuedUVCI": str, "communeCode": str, "createdAt": dateTime, "updatedAt": dateTime],
                            required: ["id", "uvci", "category", "status"]),
        "ComplaintList": object(["items": array("Complaint")], required: ["items"]),
        "ComplaintResolution": object(["status": ["type": "string", "enum": ["in_review", "corrected", "rejected"]], "resolution": str],
                                      required: ["status"]),
        "SignedTrustList": object(["protected": str, "payload": str, "signature": str], required: ["protected", "payload", "signature"]),
        "RevocationList": object(["hashType": str, "description": str, "hashes": ["type": "array", "items": str]], required: ["hashes"]),
        "ClusterList": object(["items": array("Cluster")], required: ["items"]),
        "ClusterCases": object(["caseIds": ["type": "array", "items": int]], required: ["caseIds"]),
        "DeclaredContact": object(["personId": int, "relation": str], required: ["personId", "relation"]),
        "CaseEvent": object(["kind": ["type": "string", "enum": ["call", "unreachable", "quarantine_start", "test", "release", "note"]],
                             "day": date, "detail": str, "facts": ref("CaseFacts")], required: ["kind"]),
    ] }

    static var classification: [String: Any] { ["type": "string", "enum": ["F0", "F1", "F2", "suspected"]] }
    static var date: [String: Any] { ["type": "string", "format": "date"] }
    static var str: [String: Any] { ["type": "string"] }
    static var int: [String: Any] { ["type": "integer"] }
    static var dateTime: [String: Any] { ["type": "string", "format": "date-time"] }
    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    static func array(_ name: String) -> [String: Any] { ["type": "array", "items": ref(name)] }
    static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required]
    }

    static func json() throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            var operation: [String: Any] = [
                "summary": op.summary, "tags": [op.tag], "operationId": "\(op.method)\(op.path)",
                "responses": op.responses.mapValues { description, schema -> [String: Any] in
                    var response: [String: Any] = ["description": description]
                    if let schema {
                        let type = schema == "Problem" ? "application/problem+json" : "application/json"
                        response["content"] = [type: ["schema": ref(schema)]]
                    }
                    return response
                },
            ]
            if !op.parameters.isEmpty { operation["parameters"] = op.parameters }
            if let body = op.requestSchema {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref(body)]]]
            }
            operation["security"] = op.secured ? [["bearer": [String]()]] : [[String: [String]]]()
            paths[op.path, default: [:]][op.method] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "Sentinel API", "version": "1", "license": ["name": "GPL-3.0-or-later", "identifier": "GPL-3.0-or-later"]],
            "paths": paths,
            "components": ["schemas": schemas, "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
