import ArgumentParser
import Storage

/// `sentinel training on|off|status`: marks a database as training data (banner on every page, training
/// certificates) or clears the mark. A running server reads the mark when it starts.
struct TrainingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "Mark the database as training data (a banner on every page, certificates from training keys), or clear the mark.",
        discussion: "Restart the server after changing the mark. `serve --demo` marks its database itself.")

    @Argument(help: "on, off or status.") var action: String = "status"
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        guard ["on", "off", "status"].contains(action) else { throw ValidationError("the action is on, off or status") }
        let database = try await Database.open(try db.resolve(Environment.reader), logger: Environment.logger("sentinel.training"))
        do {
            try await Migrator().migrate(database)
            if action != "status" { try await TrainingMode.set(action == "on", database) }
            print(try await TrainingMode.isOn(database) ? "This database holds training data." : "This database is not marked as training data.")
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
