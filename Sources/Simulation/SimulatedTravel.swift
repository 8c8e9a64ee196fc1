import CheckIn
import Domain
import Foundation
import Storage

/// Vehicles crossing the province's road checkpoints on a simulated day: about one resident in a thousand drives out
/// to, or back from, a neighbouring province (Sept 2021: travel was restricted to work and essential goods), with
/// members of the household aboard now and then. People who isolate or quarantine stay home, as in `Movement`.
struct SimulatedTravel {
    /// The checkpoints' ids by code, and for each neighbouring province the checkpoint facing it.
    let checkpoints: [String: Int64]

    static let declarationColumns = ["client_id", "slip_code", "checkpoint_id", "commune_code", "crossed_at", "report_day", "direction", "plate",
                                     "vehicle_type", "origin_code", "destination_code", "destination_district", "destination_province", "route",
                                     "cargo", "occupants", "recorded_at"]
    static let occupantColumns = ["declaration_id", "seat", "person_id", "role", "test_status", "test_day"]
    /// The client ids of simulated declarations: a UUID whose first group marks them, then the day and a number, so a
    /// day interrupted half-way is found and removed.
    static let marker = "7a7a7a7a-"

    static func clientID(day: Int, _ n: Int) -> String { marker + Simulator.pad(day, 4) + "-4000-8000-" + Simulator.pad(n, 12) }

    static func firstClientID(day: Int) -> String { clientID(day: day, 0) }

    /// A slip code for the n-th vehicle of a day: the pair run through a bijection of 32⁸ (an odd multiplier modulo
    /// 2⁴⁰), so codes are unique without a lookup and do not count up.
    static func slipCode(day: Int, _ n: Int) -> String {
        var x = (UInt64(day) << 20 | UInt64(n & 0xFFFFF)) &* 0x9E37_79B9_7F4B & (1 << 40 - 1)
        var code = ""
        for _ in 0..<8 {
            code.append(SlipCode.alphabet[Int(x & 31)])
            x >>= 5
        }
        return code
    }

    struct Day {
        var declarations: [[BulkValue]] = []
        /// Per declaration (by client id): its people as (seat, person id, role, test status, test day).
        var occupants: [String: [[BulkValue]]] = [:]
    }

    func day(_ day: Int, dayName: String, midnight: Date, model: ProvinceModel, epidemic: Epidemic, personBase: Int64, seed: UInt64) -> Day {
        var rng = SimRandom(seed: seed).fork(8000 + UInt64(day))
        var out = Day()
        let sides = TravelStore.dongNaiCheckpoints
        let vehicles = max(1, model.age.count / 1000)
        let yesterday = LocalDay.adding(-1, to: dayName) ?? dayName
        for n in 0..<vehicles {
            let driver = rng.int(0...(model.age.count - 1))
            guard model.age[driver] >= 18, !epidemic.staysHome(driver, on: day), epidemic.confirmedOn[driver] > Int16(day) else { continue }
            let side = rng.pick(sides)
            let entering = rng.chance(0.5)
            let home = model.communes[Int(model.commune[driver])]
            let province = side.facing[0]
            let truck = rng.chance(0.4)
            var people = [driver]
            if !truck {
                var next = driver + 1
                while next < model.age.count, model.household[next] == model.household[driver], people.count < 4, rng.chance(0.5) {
                    if !epidemic.staysHome(next, on: day) { people.append(next) }
                    next += 1
                }
            }
            let clientID = Self.clientID(day: day, n)
            let at = midnight.addingTimeInterval(Double(rng.int(5 * 3600...22 * 3600)))
            let plate = "60" + rng.pick(["A", "C", "K", "LD"]) + Simulator.pad(rng.int(0...99_999), 5)
            out.declarations.append([
                .text(clientID), .text(Self.slipCode(day: day, n)), .int(checkpoints[side.checkpoint.code]!), .text(side.checkpoint.communeCode),
                .instant(at), .text(dayName), .text(entering ? "entering" : "leaving"), .text(plate), .text(truck ? "truck" : "car"),
                .text(entering ? province : home.code), .text(entering ? home.code : province),
                entering ? .text(home.district) : .null, .text(entering ? "75" : province), .text(side.checkpoint.road ?? ""),
                truck ? .text(rng.pick(["Rau củ", "Hàng tiêu dùng", "Vật liệu xây dựng", "Thức ăn chăn nuôi"])) : .null,
                .int(Int64(people.count)), .instant(at),
            ])
            out.occupants[clientID] = people.enumerated().map { seat, person in
                let test = rng.int(0...9)
                let status = test < 6 ? "rapid_negative" : test < 8 ? "pcr_negative" : "none"
                return [.int(Int64(seat)), .int(personBase + Int64(person)), .text(seat == 0 ? "driver" : "passenger"), .text(status),
                        status == "none" ? .null : .text(rng.chance(0.5) ? dayName : yesterday)]
            }
        }
        return out
    }
}
