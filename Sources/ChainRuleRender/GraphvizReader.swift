import CGraphviz
import Foundation

/// Reads DOT text into a cgraph graph whose object IDs follow the order in
/// which the text names its objects.
///
/// `agmemread` numbers a named object by the address of its interned name
/// (cgraph's default ID discipline, `AgIdDisc`), and cgraph keeps subgraphs
/// in ID order. So clusters were laid out and drawn in heap-address order,
/// which changes from one run of the same export to the next (the address
/// order depends on what the process allocated before). With this reader a
/// name's ID is `2 · k + 2` for the k-th distinct name (named IDs stay even,
/// as cgraph requires) and an unnamed object's ID is odd, in creation order,
/// as before: the same DOT gives the same graph, the same layout and the
/// same bytes in every process.
enum GraphvizReader {
    /// Parses `dot`; nil when cgraph could not (its message is collected by
    /// `GraphvizRuntime`). Call with the Graphviz lock held; `agclose` the graph.
    static func read(_ dot: String) -> UnsafeMutablePointer<Agraph_t>? {
        dot.withCString { text in
            var source = Source(text: text, length: strlen(text), offset: 0)
            return withUnsafeMutablePointer(to: &source) { agread($0, discipline) }
        }
    }

    /// The DOT text being read, and how far.
    struct Source {
        var text: UnsafePointer<CChar>
        var length: Int
        var offset: Int
    }

    /// The names of one root graph's objects, by ID. The names are cgraph's
    /// own interned strings (`agstrdup`, as with its default discipline):
    /// cgraph reads flags stored in front of them (`aghtmlstr`), and frees
    /// them with the graph.
    final class Names {
        let graph: UnsafeMutablePointer<Agraph_t>
        var ids: [UnsafeMutablePointer<CChar>: IDTYPE] = [:]
        var names: [UnsafeMutablePointer<CChar>] = []
        var anonymous: IDTYPE = 0

        init(graph: UnsafeMutablePointer<Agraph_t>) { self.graph = graph }

        func id(of name: UnsafeMutablePointer<CChar>, create: Bool) -> IDTYPE? {
            guard let interned = create ? agstrdup(graph, name) : agstrbind(graph, name) else { return nil }
            if let id = ids[interned] {
                if create { agstrfree(graph, interned) }  // one reference per name is enough
                return id
            }
            guard create else { return nil }
            let id = IDTYPE(names.count) * 2 + 2
            names.append(interned)
            ids[interned] = id
            return id
        }

        func name(of id: IDTYPE) -> UnsafeMutablePointer<CChar>? {
            guard id % 2 == 0, id >= 2, Int(id / 2 - 1) < names.count else { return nil }
            return names[Int(id / 2 - 1)]
        }
    }

    /// cgraph's disciplines: its own memory, these IDs, and reading from `Source`.
    /// Allocated once; graphs keep a pointer to it for their lifetime.
    nonisolated(unsafe) static let discipline: UnsafeMutablePointer<Agdisc_t> = {
        let ids = UnsafeMutablePointer<Agiddisc_t>.allocate(capacity: 1)
        ids.initialize(to: Agiddisc_t(
            open: { graph, _ in Unmanaged.passRetained(Names(graph: graph!)).toOpaque() },
            map: { state, _, string, id, create in
                let names = Unmanaged<Names>.fromOpaque(state!).takeUnretainedValue()
                if let string {
                    guard let found = names.id(of: string, create: create != 0) else { return 0 }
                    id?.pointee = found
                } else {
                    id?.pointee = names.anonymous * 2 + 1
                    names.anonymous += 1
                }
                return 1
            },
            alloc: { _, _, _ in 0 },  // no IDs chosen by the caller, as in cgraph's default
            free: { _, _, _ in },     // names live as long as their graph (cgraph frees them with it)
            print: { state, _, id in Unmanaged<Names>.fromOpaque(state!).takeUnretainedValue().name(of: id) },
            close: { state in Unmanaged<Names>.fromOpaque(state!).release() },
            idregister: { _, _, _ in }))
        let io = UnsafeMutablePointer<Agiodisc_t>.allocate(capacity: 1)
        io.initialize(to: Agiodisc_t(
            // One line per call, like cgraph's own reader of strings.
            afread: { channel, buffer, size in
                let source = channel!.assumingMemoryBound(to: Source.self)
                guard size > 0, let buffer, source.pointee.offset < source.pointee.length else { return 0 }
                var n = 0
                while n < Int(size), source.pointee.offset < source.pointee.length {
                    let c = source.pointee.text[source.pointee.offset]
                    buffer[n] = c
                    n += 1
                    source.pointee.offset += 1
                    if c == 0x0A { break }
                }
                return Int32(n)
            },
            putstr: cgraphDefault(Agiodisc_t.self, "AgIoDisc").putstr,
            flush: cgraphDefault(Agiodisc_t.self, "AgIoDisc").flush))
        let memory = UnsafeMutablePointer<Agmemdisc_t>.allocate(capacity: 1)
        memory.initialize(to: cgraphDefault(Agmemdisc_t.self, "AgMemDisc"))
        let disc = UnsafeMutablePointer<Agdisc_t>.allocate(capacity: 1)
        disc.initialize(to: Agdisc_t(mem: memory, id: ids, io: io))
        return disc
    }()

    /// A copy of one of cgraph's default disciplines (`AgMemDisc`, `AgIoDisc`),
    /// found by name: Swift 6 refuses to read a C global variable directly.
    private static func cgraphDefault<T>(_ type: T.Type, _ symbol: String) -> T {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol) else {
            fatalError("libcgraph does not export \(symbol)")
        }
        return address.assumingMemoryBound(to: T.self).pointee
    }
}
