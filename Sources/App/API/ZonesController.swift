import Accounts
import Domain
import Foundation
import Hummingbird
import Reporting

/// Lockdown zones through the API: `GET /api/v1/lockdown-zones` (JSON) and `.geojson` (for GIS tools and the national
/// portal), `POST /api/v1/lockdown-zones` with units and/or a GeoJSON `geometry`, `POST …/{id}/lift`. The store checks
/// role, area and every field.
struct ZonesController {
    let services: Services

    /// The typed members of a new zone; `geometry` (any GeoJSON polygon) is read from the same body separately.
    struct NewZoneBody: Decodable {
        let name: String
        let areaCode: String
        let unitCodes: [String]?
        let validFrom: String
        let validTo: String?
        let decision: String
        let note: String?
    }

    struct LiftBody: Decodable {
        let lastDay: String?
        let reason: String
    }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/api/v1/lockdown-zones") { request, context -> JSONResponse<ListDTO<LockdownZone>> in
            JSONResponse(ListDTO(items: try await list(request, context)))
        }
        router.get("/api/v1/lockdown-zones.geojson") { request, context -> Response in
            let zones = try await list(request, context)
            return Response(status: .ok, headers: [.contentType: "application/geo+json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(data: try ZoneGeoJSON.featureCollection(zones))))
        }
        router.post("/api/v1/lockdown-zones") { request, context -> JSONResponse<LockdownZone> in
            let principal = try context.requirePrincipal()
            let (body, raw) = try await JSONBody.decodeKeepingBody(NewZoneBody.self, from: request, context: context)
            let geometry = try ZoneGeoJSON.member("geometry", of: raw)
            let zone = try await services.zones.create(
                NewLockdownZone(name: body.name, areaCode: body.areaCode, unitCodes: body.unitCodes ?? [], geoJSON: geometry,
                                validFrom: body.validFrom, validTo: body.validTo, decision: body.decision, note: body.note),
                by: principal, trace: context.trace())
            return JSONResponse(zone, status: .created)
        }
        router.post("/api/v1/lockdown-zones/{id}/lift") { request, context -> JSONResponse<LockdownZone> in
            let principal = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("No such lockdown zone.") }
            let body = try await JSONBody.decode(LiftBody.self, from: request, context: context)
            return JSONResponse(try await services.zones.lift(id, lastDay: body.lastDay ?? LocalDay.string(Date()), reason: body.reason,
                                                              by: principal, trace: context.trace()))
        }
    }

    func list(_ request: Request, _ context: SentinelContext) async throws -> [LockdownZone] {
        let principal = try context.requirePrincipal()
        let q = request.uri.queryParameters
        return try await services.zones.list(for: principal, area: q.get("area") ?? principal.scopeCode, day: q.get("date"),
                                             today: LocalDay.string(Date()), trace: context.trace())
    }
}

/// Zones as GeoJSON: each zone one Feature (its own polygon as a MultiPolygon, null geometry for a list of units) with
/// its facts as properties; and the one member of a JSON body given as free-form GeoJSON.
enum ZoneGeoJSON {
    static func featureCollection(_ zones: [LockdownZone]) throws -> Data {
        let features: [[String: Any]] = zones.map { zone in
            var properties: [String: Any] = ["id": zone.id, "name": zone.name, "areaCode": zone.areaCode, "unitCodes": zone.unitCodes,
                                             "validFrom": zone.validFrom, "decision": zone.decision]
            properties["validTo"] = zone.validTo ?? NSNull()
            properties["note"] = zone.note ?? NSNull()
            let geometry: Any = zone.polygons.map { ["type": "MultiPolygon", "coordinates": $0] } ?? NSNull()
            return ["type": "Feature", "id": zone.id, "properties": properties, "geometry": geometry]
        }
        return try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features], options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The member's JSON text, nil when absent or null; a body that is not an object was already refused by the decoder.
    static func member(_ name: String, of body: Data) throws -> Data? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let value = object[name], !(value is NSNull) else { return nil }
        guard JSONSerialization.isValidJSONObject(value) else {
            throw ValidationFailure([FieldError(name, "a GeoJSON object (Polygon, MultiPolygon, Feature or FeatureCollection)")])
        }
        return try JSONSerialization.data(withJSONObject: value)
    }
}
