/// A fixed set of connections handed out one caller at a time, first come first served.
/// SQLite allows one writer: a lease of one connection serialises writes without "database is locked" errors.
actor ConnectionLease<Connection: Sendable> {
    private var idle: [Connection]
    private var waiters: [CheckedContinuation<Connection, Never>] = []
    let size: Int

    init(_ connections: [Connection]) {
        precondition(!connections.isEmpty)
        self.idle = connections
        self.size = connections.count
    }

    func acquire() async -> Connection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ connection: Connection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }

    /// Every connection, once no one holds any, for closing.
    func drain() async -> [Connection] {
        var all: [Connection] = []
        while all.count < size { all.append(await acquire()) }
        return all
    }
}
