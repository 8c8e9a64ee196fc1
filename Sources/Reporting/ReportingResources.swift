import Foundation

/// The module's bundled data: risk rule sets and district boundaries.
enum ReportingResources {
    static func data(_ name: String, _ ext: String, subdirectory: String? = nil) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: subdirectory) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "\(subdirectory.map { $0 + "/" } ?? "")\(name).\(ext)"])
        }
        return try Data(contentsOf: url)
    }
}
