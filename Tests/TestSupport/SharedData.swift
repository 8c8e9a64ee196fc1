import Foundation

/// The project's shared reference data (../shared beside the checkout), read independently of the product's
/// own parser: plain splitting, since these files have no quoted fields.
public enum SharedData {
    public static func rows(_ name: String) throws -> [[String]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/data/admin/\(name)").standardized
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
