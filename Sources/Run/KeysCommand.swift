import ArgumentParser
import Foundation
import HealthCertificates

/// `sentinel keys init|rotate|trust|list`: the certificate signing keys, in a directory of their own.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the certificate signing keys (CSCA and document signers).",
        subcommands: [Init.self, Rotate.self, Trust.self, List.self])

    struct Options: ParsableArguments {
        @Option(help: "Key directory (default ./keys). Env: SENTINEL_KEYS_DIR") var dir: String?
        var store: KeyStore {
            KeyStore(directory: URL(fileURLWithPath: dir ?? Environment.reader.string(forKey: "sentinel.keys.dir") ?? "keys"))
        }
    }

    static func kinds(_ text: String) throws -> Set<CertificateKind> {
        let kinds = try text.split(separator: ",").map { part -> CertificateKind in
            guard let kind = CertificateKind(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--kinds takes test, vaccination, recovery (comma-separated)")
            }
            return kind
        }
        return Set(kinds)
    }

    static func describe(_ signer: SignerCertificate) -> String {
        let kid = DCCVerifier.hex(signer.keyID)
        let kinds = signer.allowedKinds.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "any"
        return "\(kid)  \(signer.subject)  \(ISO8601DateFormatter().string(from: signer.notBefore)) – "
            + "\(ISO8601DateFormatter().string(from: signer.notAfter))  kinds: \(kinds)"
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the CSCA and a first document signer.")
        @OptionGroup var options: Options
        @Option(help: "Kinds the signer may sign (default all).") var kinds = "test,vaccination,recovery"
        func run() throws {
            let signer = try options.store.initialise(kinds: try KeysCommand.kinds(kinds))
            print("Created the CSCA and document signer in \(options.store.directory.path) (private keys mode 0600):")
            print(KeysCommand.describe(signer))
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a new document signer; the old one stops signing but still verifies.")
        @OptionGroup var options: Options
        @Option(help: "Kinds the new signer may sign (default all).") var kinds = "test,vaccination,recovery"
        func run() throws {
            let signer = try options.store.rotate(kinds: try KeysCommand.kinds(kinds))
            print("New signer (restart the server to sign with it):")
            print(KeysCommand.describe(signer))
        }
    }

    struct Trust: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trust another issuer's document signer certificate (PEM or DER).")
        @OptionGroup var options: Options
        @Argument(help: "Certificate file") var file: String
        func run() throws {
            let signer = try options.store.trust(certificateFile: URL(fileURLWithPath: file))
            print("Trusted: " + KeysCommand.describe(signer))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the signers this server verifies with.")
        @OptionGroup var options: Options
        func run() throws {
            for signer in try options.store.trustList().all.sorted(by: { $0.notBefore < $1.notBefore }) {
                print(KeysCommand.describe(signer))
            }
        }
    }
}
