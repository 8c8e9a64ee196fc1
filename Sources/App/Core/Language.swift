import Foundation

/// The interface languages. Vietnamese first; every string comes from `Resources/strings/<lang>.json`.
public enum Language: String, CaseIterable, Sendable {
    case vi
    case en
}

/// The string catalogue, loaded once. A key missing from English falls back to Vietnamese, and a key missing
/// from both shows itself, so a gap is visible rather than blank (and a test checks there are none).
public struct Catalogue: Sendable {
    public let strings: [Language: [String: String]]

    public static func bundled() throws -> Catalogue {
        var strings: [Language: [String: String]] = [:]
        for language in Language.allCases {
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "strings") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "strings/\(language.rawValue).json"])
            }
            strings[language] = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
        }
        return Catalogue(strings: strings)
    }

    public func table(_ language: Language) -> [String: String] {
        (strings[.vi] ?? [:]).merging(strings[language] ?? [:]) { _, chosen in chosen }
    }

    public func text(_ key: String, _ language: Language) -> String {
        strings[language]?[key] ?? strings[.vi]?[key] ?? key
    }
}
