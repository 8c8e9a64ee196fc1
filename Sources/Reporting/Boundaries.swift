import Domain
import Foundation

/// One unit's outline: rings of (longitude, latitude), outer rings and holes alike (drawn with the even-odd rule).
public struct Boundary: Sendable, Equatable {
    public let code: String
    public let rings: [[Point]]

    public struct Point: Sendable, Equatable {
        public let lon: Double
        public let lat: Double
        public init(lon: Double, lat: Double) {
            self.lon = lon
            self.lat = lat
        }
    }

    public init(code: String, rings: [[Point]]) {
        self.code = code
        self.rings = rings
    }

    public var bounds: (minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) {
        let points = rings.joined()
        return (points.map(\.lon).min() ?? 0, points.map(\.lat).min() ?? 0, points.map(\.lon).max() ?? 0, points.map(\.lat).max() ?? 0)
    }
}

/// Reads boundaries from GeoJSON (a FeatureCollection of Polygon/MultiPolygon features keyed by a GSO code), checking
/// everything before accepting anything: size, structure, rings (closed, at least 4 points, finite coordinates inside
/// Viet Nam's neighbourhood), codes known and not repeated. Errors name the feature and the ring.
public enum BoundaryReader {
    public static let maxBytes = 20 * 1024 * 1024

    public static func read(_ data: Data, codeProperty: String, known: (String) -> Bool) throws -> [Boundary] {
        guard data.count <= maxBytes else {
            throw ValidationFailure([FieldError("file", "\(data.count / 1_048_576) MB: at most \(maxBytes / 1_048_576) MB")])
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationFailure([FieldError("file", "not a JSON object")])
        }
        guard root["type"] as? String == "FeatureCollection", let features = root["features"] as? [[String: Any]] else {
            throw ValidationFailure([FieldError("file", "a GeoJSON FeatureCollection is expected")])
        }
        var errors: [FieldError] = []
        var boundaries: [Boundary] = []
        var seen = Set<String>()
        for (i, feature) in features.enumerated() {
            let path = "features[\(i)]"
            let properties = feature["properties"] as? [String: Any] ?? [:]
            let code = (properties[codeProperty] as? String) ?? (properties[codeProperty] as? Int).map(String.init) ?? (feature["id"] as? String)
            guard let code, !code.isEmpty else { errors.append(FieldError(path, "no \(codeProperty)")); continue }
            guard known(code) else { errors.append(FieldError(path, "unknown area code \(code)")); continue }
            guard seen.insert(code).inserted else { errors.append(FieldError(path, "area \(code) appears twice")); continue }
            guard let geometry = feature["geometry"] as? [String: Any], let type = geometry["type"] as? String,
                  let coordinates = geometry["coordinates"] as? [Any] else {
                errors.append(FieldError(path, "no geometry")); continue
            }
            guard let polygons = polygons(type: type, coordinates: coordinates, path: "\(path) (\(code))", errors: &errors) else { continue }
            boundaries.append(Boundary(code: code, rings: Array(polygons.joined())))
        }
        if features.isEmpty { errors.append(FieldError("features", "no features")) }
        guard errors.isEmpty else { throw ValidationFailure(Array(errors.prefix(50))) }
        return boundaries
    }

    /// The polygons (each its outer ring, then its holes) of a Polygon or MultiPolygon geometry, each ring checked: a list
    /// of [longitude, latitude] positions near Viet Nam, at least 4, closed. nil (with the reasons added to `errors`,
    /// named by `path`) when anything is wrong.
    static func polygons(type: String, coordinates: [Any], path: String, errors: inout [FieldError]) -> [[[Boundary.Point]]]? {
        let polygons: [Any]
        switch type {
        case "Polygon": polygons = [coordinates]
        case "MultiPolygon": polygons = coordinates
        default: errors.append(FieldError(path, "geometry \(type): Polygon or MultiPolygon expected")); return nil
        }
        var result: [[[Boundary.Point]]] = []
        var broken = false
        for (p, polygon) in polygons.enumerated() {
            var rings: [[Boundary.Point]] = []
            defer { result.append(rings) }
            guard let polygonRings = polygon as? [Any], !polygonRings.isEmpty else {
                errors.append(FieldError("\(path) polygon \(p)", "no rings")); broken = true; continue
            }
            for (r, ringValue) in polygonRings.enumerated() {
                let ringPath = "\(path) polygon \(p) ring \(r)"
                guard let ring = ringValue as? [Any] else { errors.append(FieldError(ringPath, "not a list of positions")); broken = true; continue }
                var points: [Boundary.Point] = []
                var misplaced = false
                for position in ring {
                    guard let pair = position as? [Any], pair.count >= 2, let lon = (pair[0] as? NSNumber)?.doubleValue,
                          let lat = (pair[1] as? NSNumber)?.doubleValue, lon.isFinite, lat.isFinite,
                          (95...120).contains(lon), (0...30).contains(lat) else {
                        misplaced = true; break
                    }
                    points.append(Boundary.Point(lon: lon, lat: lat))
                }
                // One reason per ring: a misplaced position says it all (its ring is not also "too short").
                if misplaced { errors.append(FieldError(ringPath, "a position is not [longitude, latitude] near Viet Nam")); broken = true; continue }
                if points.count < 4 { errors.append(FieldError(ringPath, "fewer than 4 positions")); broken = true; continue }
                if points.first != points.last { errors.append(FieldError(ringPath, "the ring is not closed")); broken = true; continue }
                rings.append(points)
            }
        }
        return broken ? nil : result
    }

    /// The 11 district outlines of Dong Nai (before July 2025) bundled with Sentinel (dvhcvn, GPL-3.0).
    public static func bundledDistricts() throws -> [Boundary] {
        try read(try ReportingResources.data("dong-nai-districts", "geojson", subdirectory: "geo"), codeProperty: "district_code") { code in
            AreaCode.level(of: code) == .district
        }
    }
}
