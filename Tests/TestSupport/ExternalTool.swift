import Foundation

/// Runs an independent decoder or reference implementation that we did not write.
public enum ExternalTool {
    public static func path(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// In CI the tools must be there (a missing one fails the test); on a developer's machine a missing tool skips it.
    public static func required(_ name: String) -> Bool {
        path(name) != nil || ProcessInfo.processInfo.environment["CI"] != nil
    }

    public static func pythonHas(_ module: String) -> Bool {
        (try? run("python3", ["-c", "import \(module)"]).status) == 0
    }

    public static func run(_ name: String, _ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: Data, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path(name) ?? "/usr/bin/\(name)")
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    /// What zbarimg reads from a PNG, or nil when it finds no symbol.
    public static func zbar(png: [UInt8]) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try run("zbarimg", ["--raw", "-q", "-Sbinary", file.path])
        guard result.status == 0 else { return [] }
        return [String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .newlines)]
    }

    /// A workbook as LibreOffice reads it, saved as CSV (UTF-8, comma) — to check what a spreadsheet user would see.
    /// Throws when LibreOffice fails; the caller checks `required("libreoffice")` first.
    public static func libreOfficeCSV(xlsx: Data) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("book.xlsx")
        try xlsx.write(to: file)
        let result = try run("libreoffice", ["-env:UserInstallation=file://\(dir.path)/profile", "--headless", "--convert-to",
                                             "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir.path, file.path])
        guard result.status == 0 else { throw LibreOfficeFailed(detail: result.stderr) }
        return try String(contentsOf: dir.appendingPathComponent("book.csv"), encoding: .utf8)
    }

    public struct LibreOfficeFailed: Error { public let detail: String }
}
