import CheckIn
import ContactTracing
import Domain
import Foundation
import Geography
import SQLKit
import Storage

public enum SimulationScale: String, CaseIterable, Sendable {
    case tiny, small, province

    public var people: Int {
        switch self {
        case .tiny: 20_000
        case .small: 300_000
        case .province: 3_100_000
        }
    }
}

public struct SimulationOptions: Sendable {
    public var seed: UInt64 = 20210901
    public var people: Int = SimulationScale.tiny.people
    public var days: Int = 28
    /// The last simulated local day; check-ins run up to its evening (default: yesterday, so the data is recent).
    public var lastDay: String = LocalDay.adding(-1, to: LocalDay.string(Date()))!
    public var nearDuplicateShare: Double = 0.005
    /// The reported day the epidemic's first simulated day follows (the real curve from there, scaled).
    public var epidemicFrom: String = "2021-09-01"
    public init() {}

    public var signature: String { "seed=\(seed) people=\(people) days=\(days) last=\(lastDay) dup=\(nearDuplicateShare) epidemic=\(epidemicFrom)" }
}

public struct SimulationSummary: Sendable {
    public struct Phase: Sendable {
        public let name: String
        public let rows: Int
        public let seconds: TimeInterval
        public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    }
    public var phases: [Phase] = []
    public var counts: [(table: String, rows: Int)] = []
    public var seconds: TimeInterval = 0
    public var resumed = false
    /// The bare bulk-insert rate of this database for check-in-shaped rows, when measured.
    public var rawRowsPerSecond: Double?
}

public struct SimulationConflict: Error, CustomStringConvertible {
    public let description: String
}

/// Writes a synthetic province through the bulk path: people in households, places, weeks of check-ins with an
/// epidemic spreading through them, then its confirmed cases, their tests and their quarantined household contacts. Resumable: each phase (and each day of check-ins) is committed with a marker in
/// `settings`; a rerun with the same options continues where it stopped, `restart` removes what it wrote first.
public struct Simulator: Sendable {
    public let database: Database
    public let options: SimulationOptions
    public let progress: ProgressReporter

    public init(database: Database, options: SimulationOptions, progress: ProgressReporter = ProgressReporter()) {
        self.database = database
        self.options = options
        self.progress = progress
        self.stamp = LocalDay.start(options.lastDay) ?? Date(timeIntervalSince1970: 0)
    }

    static let key = "simulation."
    /// Rows per bulk call (one transaction on SQLite, one COPY on PostgreSQL).
    static let batch = 50_000

    func setting(_ name: String) async throws -> String? { try await database.read { try await Settings.get(Self.key + name, on: $0) } }
    func set(_ name: String, _ value: String) async throws { try await database.write { try await Settings.set(Self.key + name, value, on: $0) } }

    /// `measureRaw`: also time the bare bulk path on pre-generated rows (no generation, no indexes) in this run,
    /// the yardstick the phases are compared with.
    public func run(restart: Bool = false, measureRaw: Bool = false) async throws -> SimulationSummary {
        let started = Date()
        var summary = SimulationSummary()
        try await BundledAreas.loadIfNeeded(into: AreaStore(database: database))
        if let existing = try await setting("signature") {
            if restart {
                try await removeSimulatedRows()
            } else if existing != options.signature {
                throw SimulationConflict(description: "this database holds another simulation (\(existing)); rerun with --restart to replace it")
            } else {
                summary.resumed = true
            }
        }
        if try await setting("signature") == nil {
            let bases = try await database.read { db in
                (try await db.raw("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM persons").first()!.decode(column: "n", as: Int64.self),
                 try await db.raw("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM venues").first()!.decode(column: "n", as: Int64.self))
            }
            try await set("person_base", String(bases.0))
            try await set("venue_base", String(bases.1))
            try await set("signature", options.signature)
        }
        let personBase = Int64(try await setting("person_base")!)!
        let venueBase = Int64(try await setting("venue_base")!)!

        progress.begin("model", total: options.people)
        let model = try await provinceModel()
        progress.advance(by: options.people)
        summary.phases.append(.init(name: "model", rows: options.people, seconds: progress.end()))

        if try await setting("people_done") == nil {
            try await database.write { try await $0.raw("DELETE FROM persons WHERE id >= \(bind: personBase)").run() }
            let indexes = try await droppedIndexes(on: "persons")
            summary.phases.append(try await writePeople(model, base: personBase))
            try await restore(indexes, on: "persons", into: &summary)
            try await set("people_done", "1")
        }
        if try await setting("venues_done") == nil {
            try await database.write { try await $0.raw("DELETE FROM venues WHERE id >= \(bind: venueBase)").run() }
            summary.phases.append(try await writeVenues(model, base: venueBase))
            try await set("venues_done", "1")
        }
        let writeCheckIns = try await setting("checkins_done") == nil
        if try await setting("cases_done") == nil {
            // Movements and the epidemic are one day-by-day process (isolated people stay home); when the check-ins
            // are already written the days are replayed without writing, to reach the same epidemic.
            var indexes: [(name: String, definition: String)] = []
            var firstDay = options.days
            if writeCheckIns {
                indexes = try await droppedIndexes(on: "checkins")
                firstDay = Int(try await setting("checkins_day") ?? "0")!
                // A day interrupted half-way is written again from its start.
                try await database.write { db in
                    try await db.raw("DELETE FROM checkins WHERE event_id >= \(bind: Self.eventID(day: firstDay, 0))").run()
                    try await db.raw("""
                        DELETE FROM health_declarations WHERE person_id >= \(bind: personBase) AND client_id LIKE '\(unsafeRaw: SimulatedDeclarations.marker)%'
                          AND client_id >= \(bind: SimulatedDeclarations.firstClientID(day: firstDay))
                        """).run()
                    try await Self.removeTravel(fromDay: firstDay, on: db)
                }
            }
            let (phase, epidemic) = try await simulateDays(model, personBase: personBase, venueBase: venueBase, writingFrom: firstDay)
            summary.phases.append(phase)
            if writeCheckIns {
                try await restore(indexes, on: "checkins", into: &summary)
                try await set("checkins_done", "1")
            }
            summary.phases.append(try await writeEpidemic(epidemic, model, personBase: personBase))
            try await set("cases_done", "1")
        }
        if try await setting("aggregates_done") == nil {
            // Rows went in through the bulk loader, around the stores: the daily counts are computed from them once.
            progress.begin("aggregates", total: 1)
            try await Aggregates.rebuild(database)
            progress.advance(by: 1)
            summary.phases.append(.init(name: "aggregates", rows: 1, seconds: progress.end()))
            try await set("aggregates_done", "1")
        }
        if measureRaw { summary.rawRowsPerSecond = try await rawInsertRate() }
        for table in ["persons", "venues", "checkins", "health_declarations", "travel_declarations", "cases", "samples"] {
            let n = try await database.read { try await $0.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()!.decode(column: "n", as: Int.self) }
            summary.counts.append((table, n))
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The people and places of the options' province, in memory (areas from the database).
    func provinceModel() async throws -> ProvinceModel {
        let communes = try await AreaStore(database: database).children(of: nil, vintage: "2021")
            .filter { $0.level == .province }.asyncFlatMap { province in try await communesOf(province.code) }
        return try ProvinceModel(communes: communes, people: options.people, seed: options.seed)
    }

    /// Inserts one million pre-generated check-in-shaped rows into a scratch table without indexes, by the same
    /// bulk path, and returns rows per second; the table is dropped after.
    private func rawInsertRate() async throws -> Double {
        let table = "simulation_raw_probe"
        try await database.write { db in
            try await db.raw("DROP TABLE IF EXISTS \(ident: table)").run()
            try await db.raw("""
                CREATE TABLE \(ident: table) (event_id TEXT PRIMARY KEY, venue_id BIGINT NOT NULL, person_id BIGINT NOT NULL, commune_code TEXT NOT NULL,
                    checked_in_at \(unsafeRaw: database.kind == .sqlite ? "REAL" : "TIMESTAMPTZ") NOT NULL,
                    checked_out_at \(unsafeRaw: database.kind == .sqlite ? "REAL" : "TIMESTAMPTZ"),
                    received_at \(unsafeRaw: database.kind == .sqlite ? "REAL" : "TIMESTAMPTZ") NOT NULL)
                """).run()
        }
        let columns = ["event_id", "venue_id", "person_id", "commune_code", "checked_in_at", "checked_out_at", "received_at"]
        let base = stamp
        let batches: [[[BulkValue]]] = (0..<20).map { b in
            (0..<Self.batch).map { i in
                let n = b * Self.batch + i
                let at = base.addingTimeInterval(Double(n % 86_400))
                return [.text(Self.eventID(day: 999, n)), .int(Int64(n % 5000)), .int(Int64(n)), .text("25993"), .instant(at),
                        n % 3 == 0 ? .null : .instant(at.addingTimeInterval(3600)), .instant(at)]
            }
        }
        progress.begin("raw probe", total: batches.count * Self.batch)
        let started = Date()
        for rows in batches {
            try await database.bulkInsert(table, columns: columns, rows: rows)
            progress.advance(by: rows.count)
        }
        let seconds = Date().timeIntervalSince(started)
        progress.end()
        try await database.write { try await $0.raw("DROP TABLE \(ident: table)").run() }
        return Double(batches.count * Self.batch) / seconds
    }

    /// Load first, index after: maintaining secondary indexes row by row would dominate the load. The dropped
    /// definitions are kept in `settings`, so an interrupted run (or `--restart`) puts them back.
    private func droppedIndexes(on table: String) async throws -> [(name: String, definition: String)] {
        if let stored = try await setting("indexes." + table) {
            return try JSONDecoder().decode([[String]].self, from: Data(stored.utf8)).map { ($0[0], $0[1]) }
        }
        let indexes = try await database.secondaryIndexes(on: table)
        try await set("indexes." + table, String(decoding: try JSONEncoder().encode(indexes.map { [$0.name, $0.definition] }), as: UTF8.self))
        for index in indexes { try await database.write { try await $0.raw("DROP INDEX \(ident: index.name)").run() } }
        return indexes
    }

    private func restore(_ indexes: [(name: String, definition: String)], on table: String, into summary: inout SimulationSummary) async throws {
        progress.begin("index " + table, total: indexes.count)
        let existing = Set(try await database.secondaryIndexes(on: table).map(\.name))
        for index in indexes where !existing.contains(index.name) {
            try await database.createIndexes([index])
            progress.advance(by: 1)
        }
        summary.phases.append(.init(name: "index " + table, rows: indexes.count, seconds: progress.end()))
    }

    private func communesOf(_ province: String) async throws -> [SimCommune] {
        let areas = AreaStore(database: database)
        var result: [SimCommune] = []
        for district in try await areas.children(of: province, vintage: "2021") {
            for commune in try await areas.children(of: district.code, vintage: "2021") {
                result.append(SimCommune(code: commune.code, name: commune.name, district: district.code))
            }
        }
        return result
    }

    /// Sortable event ids: appended in order, so the primary-key index grows at its end.
    static func eventID(day: Int, _ n: Int) -> String { "s" + pad(day, 3) + pad(n, 9) }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Midnight of the last day: the creation time of generated records (fixed, so the data is reproducible).
    let stamp: Date

    // MARK: Phases

    private func writePeople(_ model: ProvinceModel, base: Int64) async throws -> SimulationSummary.Phase {
        var rng = SimRandom(seed: options.seed).fork(2)
        let columns = ["id", "full_name", "name_folded", "id_number", "phone", "birth_year", "commune_code", "qr_token", "created_at", "updated_at",
                       "sex", "birth_date", "address", "address_folded"]
        let extra = Int(Double(model.age.count) * options.nearDuplicateShare)
        progress.begin("people", total: model.age.count + extra)
        let year = Int(options.lastDay.prefix(4))!
        var rows: [[BulkValue]] = []
        rows.reserveCapacity(Self.batch)
        var pipeline = BulkPipeline(database: database, table: "persons", columns: columns, progress: progress)
        var folds = FoldCache()
        var family = "", phone = "", address = ""
        var serial: [Int: Int] = [:]  // per (century·sex, birth year): a running number, so CCCDs never collide
        var twins: [(Int, String, String?, Int, String)] = []
        var currentHousehold: Int32 = -1
        for i in model.age.indices {
            if model.household[i] != currentHousehold {
                currentHousehold = model.household[i]
                family = VietnameseNames.family[VietnameseNames.familyChoice.pick(&rng)].0
                phone = "09" + Self.pad(rng.int(0...99_999_999), 8)
                let c = model.communes[Int(model.commune[i])]
                address = "\(rng.int(1...400)) \(rng.pick(VietnameseNames.streets)), \(c.name)"
            }
            let female = model.female[i]
            let name = VietnameseNames.fullName(family: family, female: female, &rng)
            let birthYear = year - Int(model.age[i])
            let birthDate = "\(birthYear)-\(Self.pad(rng.int(1...12), 2))-\(Self.pad(rng.int(1...28), 2))"
            let ownPhone = model.age[i] >= 18 && rng.chance(0.7) ? "09" + Self.pad(rng.int(0...99_999_999), 8) : phone
            // CCCD: province 075, century and sex (0/1 born 1900s, 2/3 born 2000s), two digits of the year, six more.
            let group = (birthYear >= 2000 ? 2 : 0) + (female ? 1 : 0)
            let key = group * 10_000 + birthYear
            let n = serial[key, default: rng.int(0...999_999)]
            serial[key] = n + 1
            let cccd = "075\(group)\(Self.pad(birthYear % 100, 2))\(Self.pad(n % 1_000_000, 6))"
            let commune = model.communes[Int(model.commune[i])].code
            rows.append([.int(base + Int64(i)), .text(name), .text(folds.fold(name)), .text(cccd), .text(ownPhone), .int(Int64(birthYear)),
                         .text(commune), .text(token(&rng)), .instant(stamp), .instant(stamp), .text(female ? "female" : "male"), .text(birthDate),
                         .text(address), .text(folds.fold(address))])
            if rng.chance(options.nearDuplicateShare) {
                twins.append((i, nearDuplicate(of: name, &rng), ownPhone, birthYear, commune))
            }
            if rows.count == Self.batch {
                try await pipeline.submit(rows)
                rows.removeAll(keepingCapacity: true)
            }
        }
        // Near-duplicates for deduplication work: the same person typed again, without ID number.
        for (k, twin) in twins.enumerated() {
            rows.append([.int(base + Int64(model.age.count + k)), .text(twin.1), .text(folds.fold(twin.1)), .null, twin.2.map(BulkValue.text) ?? .null,
                         .int(Int64(twin.3)), .text(twin.4), .text(token(&rng)), .instant(stamp), .instant(stamp), .null, .null, .null, .null])
        }
        try await pipeline.submit(rows)
        try await pipeline.finish()
        if database.kind == .postgres {
            try await database.write { try await $0.raw("SELECT setval('persons_id_seq', (SELECT MAX(id) FROM persons))").run() }
        }
        return .init(name: "people", rows: model.age.count + twins.count, seconds: progress.end())
    }

    static let base64url = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 128 bits as 22 base64url characters, from the generator (tokens must be reproducible too).
    private func token(_ rng: inout SimRandom) -> String {
        let a = rng.next(), b = rng.next()
        var out = [UInt8](repeating: 0, count: 22)
        // 6 bits at a time: 64 from `a`, 64 from `b` (the last character carries 4 bits, as base64 of 16 bytes does).
        for k in 0..<22 {
            let bit = k * 6
            let value: UInt64
            if bit + 6 <= 64 {
                value = (a >> UInt64(58 - bit)) & 0x3F
            } else if bit < 64 {
                value = ((a << UInt64(bit + 6 - 64)) | (b >> UInt64(128 - bit - 6))) & 0x3F
            } else if bit + 6 <= 128 {
                value = (b >> UInt64(128 - bit - 6)) & 0x3F
            } else {
                value = (b << UInt64(bit + 6 - 128)) & 0x3F
            }
            out[k] = Self.base64url[Int(value)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func nearDuplicate(of name: String, _ rng: inout SimRandom) -> String {
        if rng.chance(0.6) { return VietnameseNames.withoutDiacritics(name) }
        var scalars = Array(name)
        let i = rng.int(1...(scalars.count - 2))
        if scalars[i] != " " && scalars[i + 1] != " " { scalars.swapAt(i, i + 1) }
        return String(scalars)
    }

    private func writeVenues(_ model: ProvinceModel, base: Int64) async throws -> SimulationSummary.Phase {
        var rng = SimRandom(seed: options.seed).fork(3)
        progress.begin("venues", total: model.venues.count)
        var rows: [[BulkValue]] = []
        for (i, v) in model.venues.enumerated() {
            let c = model.communes[v.commune]
            rows.append([.int(base + Int64(i)), .text(token(&rng)), .text(v.name), .text(TextFolding.fold(v.name)), .text(v.type.rawValue),
                         .text(c.name), .text(c.code), .int(Int64(v.dwellMinutes)), .text("approved"), .instant(stamp), .instant(stamp)])
        }
        try await database.bulkInsert("venues", columns: ["id", "token", "name", "name_folded", "venue_type", "address", "commune_code", "dwell_minutes",
                                                          "status", "created_at", "updated_at"], rows: rows)
        if database.kind == .postgres {
            try await database.write { try await $0.raw("SELECT setval('venues_id_seq', (SELECT MAX(id) FROM venues))").run() }
        }
        progress.advance(by: rows.count)
        return .init(name: "venues", rows: rows.count, seconds: progress.end())
    }

    /// The reported curve the epidemic follows, scaled to this population, for the simulated days and the
    /// calibration's horizon after them.
    func quotas(horizon: Int) throws -> [Int] {
        let series = try ReportedSeries.bundled()
        guard options.epidemicFrom >= series.first, let end = LocalDay.adding(options.days - 1, to: options.epidemicFrom), end <= series.last else {
            throw SimulationConflict(description: "--from must leave \(options.days) reported days between \(series.first) and \(series.last)")
        }
        return series.quotas(from: options.epidemicFrom, count: options.days + horizon, people: options.people)
    }

    /// Day by day: the morning's reports (confirmed people isolate, their households quarantine), everyone's movements
    /// (written as check-ins from `writingFrom` on), the day's infections, the evening's calibration.
    func simulateDays(_ model: ProvinceModel, personBase: Int64, venueBase: Int64, writingFrom firstDay: Int) async throws
        -> (SimulationSummary.Phase, Epidemic)
    {
        let columns = ["event_id", "venue_id", "person_id", "commune_code", "checked_in_at", "checked_out_at", "received_at"]
        let writing = firstDay < options.days
        let name = writing ? "checkins" : "epidemic"
        progress.begin(name, total: writing ? Int(Double(model.age.count) * 1.2) * (options.days - firstDay) : options.days)
        let startedAt = Date()
        var pipeline = BulkPipeline(database: database, table: "checkins", columns: columns, progress: progress)
        var epidemic = Epidemic(model: model, quotas: try quotas(horizon: Epidemic.Parameters().horizon), days: options.days, seed: options.seed)
        let movement = Movement(model: model, seed: options.seed)
        let declarations = SimulatedDeclarations(rules: try DeclarationStore.bundledRules())
        let travel = SimulatedTravel(checkpoints: try await database.write { db in
            try await TravelStore.ensureCheckpoints(TravelStore.dongNaiCheckpoints.map(\.checkpoint), on: db)
        })
        var presences = DayPresences()
        for day in 0..<options.days {
            guard let dayName = LocalDay.adding(day - options.days + 1, to: options.lastDay), let midnight = LocalDay.start(dayName) else { continue }
            let dow = Calendar(identifier: .gregorian).dateComponents(in: LocalDay.timeZone, from: midnight).weekday!  // 1 = Sunday
            epidemic.report(day: day)
            movement.presences(day: day, dow: dow, into: &presences) { epidemic.staysHome($0, on: day) }
            if day >= firstDay {
                var rows: [[BulkValue]] = []
                rows.reserveCapacity(Self.batch)
                // Written in the order devices would send them — by check-in time — so the table lies in time order
                // as a live one does (exports and rebuilds read it by time).
                // One plain sort of (time in ms, index) packed in 64 bits: a comparator reading the arrays would jump
                // through memory for each of the ~80 M comparisons of a province day.
                let bits = UInt64(Int.bitWidth - presences.count.leadingZeroBitCount)  // enough for every index
                var keys = (0..<presences.count).map { UInt64(max(0, presences.inAt[$0]) * 1000) << bits | UInt64($0) }
                keys.sort()
                for (n, key) in keys.enumerated() {
                    let k = Int(key & (1 << bits - 1))
                    let venue = Int(presences.venue[k])
                    let checkIn = midnight.addingTimeInterval(presences.inAt[k])
                    let out = presences.outAt[k]
                    rows.append([.text(Self.eventID(day: day, n)), .int(venueBase + Int64(venue)), .int(personBase + Int64(presences.person[k])),
                                 .text(model.communes[model.venues[venue].commune].code), .instant(checkIn),
                                 out.isNaN ? .null : .instant(midnight.addingTimeInterval(out)), .instant(checkIn)])
                    if rows.count == Self.batch {
                        try await pipeline.submit(rows)
                        rows.removeAll(keepingCapacity: true)
                    }
                }
                try await pipeline.submit(rows)
                try await pipeline.finish()
                try await database.bulkInsert("health_declarations", columns: SimulatedDeclarations.columns,
                                              rows: declarations.rows(day: day, dayName: dayName, midnight: midnight, model: model, epidemic: epidemic,
                                                                      personBase: personBase, seed: options.seed))
                try await writeTravel(travel.day(day, dayName: dayName, midnight: midnight, model: model, epidemic: epidemic,
                                                 personBase: personBase, seed: options.seed), day: day)
                try await set("checkins_day", String(day + 1))
            } else if !writing {
                progress.advance(by: 1)
            }
            epidemic.transmit(day: day, presences: presences)
            epidemic.calibrate(after: day)
        }
        let phase = SimulationSummary.Phase(name: name, rows: writing ? pipeline.written : options.days,
                                            seconds: max(progress.end(), Date().timeIntervalSince(startedAt)))
        return (phase, epidemic)
    }

    /// A day's vehicles, then their people under the ids the vehicles were given.
    private func writeTravel(_ travel: SimulatedTravel.Day, day: Int) async throws {
        try await database.bulkInsert("travel_declarations", columns: SimulatedTravel.declarationColumns, rows: travel.declarations)
        let ids = try await database.read { db in
            try await db.raw("""
                SELECT id, client_id FROM travel_declarations
                WHERE client_id >= \(bind: SimulatedTravel.firstClientID(day: day)) AND client_id < \(bind: SimulatedTravel.firstClientID(day: day + 1))
                ORDER BY id
                """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "client_id", as: String.self)) }
        }
        var occupants: [[BulkValue]] = []
        for (id, clientID) in ids { for person in travel.occupants[clientID] ?? [] { occupants.append([.int(id)] + person) } }
        try await database.bulkInsert("travel_occupants", columns: SimulatedTravel.occupantColumns, rows: occupants)
    }

    /// The simulated vehicles of `fromDay` on (all of them from day 0) and their people.
    static func removeTravel(fromDay: Int, on db: any SQLDatabase) async throws {
        let simulated: SQLQueryString = """
            SELECT id FROM travel_declarations WHERE client_id LIKE '\(unsafeRaw: SimulatedTravel.marker)%'
              AND client_id >= \(bind: SimulatedTravel.firstClientID(day: fromDay))
            """
        try await db.raw("DELETE FROM travel_occupants WHERE declaration_id IN (\(simulated))").run()
        try await db.raw("DELETE FROM travel_declarations WHERE id IN (\(simulated))").run()
    }

    /// Removes everything a previous simulation wrote (rows at or above its id bases), and its markers.
    private func removeSimulatedRows() async throws {
        guard let personBase = try await setting("person_base").flatMap({ Int64($0) }),
              let venueBase = try await setting("venue_base").flatMap({ Int64($0) }) else { return }
        progress.begin("restart", total: 1)
        // Indexes dropped by an interrupted run come back first.
        for table in ["persons", "checkins"] {
            guard let stored = try await setting("indexes." + table) else { continue }
            let indexes = try JSONDecoder().decode([[String]].self, from: Data(stored.utf8)).map { (name: $0[0], definition: $0[1]) }
            let existing = Set(try await database.secondaryIndexes(on: table).map(\.name))
            try await database.createIndexes(indexes.filter { !existing.contains($0.name) })
        }
        try await database.write { db in
            try await Self.removeRecords(personBase: personBase, on: db)
            try await db.raw("DELETE FROM checkins WHERE person_id >= \(bind: personBase) OR venue_id >= \(bind: venueBase)").run()
            try await db.raw("DELETE FROM venue_exposures WHERE venue_id >= \(bind: venueBase)").run()
            try await db.raw("DELETE FROM trace_run_presences WHERE venue_id >= \(bind: venueBase)").run()
            try await db.raw("DELETE FROM person_phones WHERE person_id >= \(bind: personBase)").run()
            try await db.raw("DELETE FROM health_declarations WHERE person_id >= \(bind: personBase)").run()
            try await Self.removeTravel(fromDay: 0, on: db)
            try await db.raw("DELETE FROM travel_occupants WHERE person_id >= \(bind: personBase)").run()
            try await db.raw("DELETE FROM venues WHERE id >= \(bind: venueBase)").run()
            try await db.raw("DELETE FROM persons WHERE id >= \(bind: personBase)").run()
            try await db.raw("DELETE FROM settings WHERE key LIKE 'simulation.%'").run()
        }
        progress.end()
    }
}

extension Array {
    func asyncFlatMap<T>(_ transform: (Element) async throws -> [T]) async throws -> [T] {
        var result: [T] = []
        for element in self { result += try await transform(element) }
        return result
    }
}

/// Overlaps generation with loading: the next batch is generated while the previous one is written (two cores:
/// one generates, one runs the database), with at most one batch in flight so memory stays bounded.
struct BulkPipeline {
    let database: Database
    let table: String
    let columns: [String]
    let progress: ProgressReporter
    private var pending: Task<Void, any Error>?
    private(set) var written = 0

    init(database: Database, table: String, columns: [String], progress: ProgressReporter) {
        self.database = database
        self.table = table
        self.columns = columns
        self.progress = progress
    }

    mutating func submit(_ rows: [[BulkValue]]) async throws {
        try await pending?.value
        let (database, table, columns, progress) = (database, table, columns, progress)
        written += rows.count
        pending = Task {
            try await database.bulkInsert(table, columns: columns, rows: rows)
            progress.advance(by: rows.count)
        }
    }

    mutating func finish() async throws {
        try await pending?.value
        pending = nil
    }
}

/// Folding the same few thousand names and addresses millions of times: remembered once each.
struct FoldCache {
    private var folded: [String: String] = [:]
    mutating func fold(_ text: String) -> String {
        if let hit = folded[text] { return hit }
        let value = TextFolding.fold(text)
        if folded.count < 2_000_000 { folded[text] = value }
        return value
    }
}
