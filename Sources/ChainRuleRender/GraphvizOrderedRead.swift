// Parsing DOT so that Graphviz visits subgraphs in the order the DOT text
// declares them.
//
// cgraph keeps a graph's subgraphs in a dictionary ordered by object ID, and
// the ID of a named object is the address of its interned name string
// (`idmap` in cgraph's id.c). Graphviz lays out and draws clusters in that
// order, so with `agmemread` (cgraph's default `malloc`) the order of a
// figure's groups depended on where `malloc` happened to put their names:
// the same export written twice could list its group boxes in different
// orders (and `dot` could order clusters differently).
//
// Here the graph's cgraph memory comes from a bump arena instead: every
// allocation follows the previous one, so names interned earlier (declared
// earlier in the DOT text) get lower IDs, and clusters come out in DOT
// order, every time. The arena is released when cgraph frees the graph's
// closure, the last thing `agclose` frees (it never calls the discipline's
// `close`). Everything else is cgraph's default discipline. Only called
// with `GraphvizRuntime`'s lock held.

import CGraphviz
import Foundation

enum GraphvizOrderedRead {
    /// Parses `dot` (NUL-terminated) like `agmemread`, with arena memory.
    static func read(_ dot: UnsafePointer<CChar>) -> UnsafeMutablePointer<Agraph_t>? {
        var reader = Reader(data: dot, length: strlen(dot), offset: 0)
        return withUnsafeMutablePointer(to: &reader) { agread(UnsafeMutableRawPointer($0), discipline) }
    }

    /// The text being read (cgraph's `rdr_t` of `agmemread`).
    struct Reader {
        var data: UnsafePointer<CChar>
        var length: Int
        var offset: Int
    }

    /// Allocations of one graph, each after the previous one, zeroed.
    ///
    /// The memory is one reserved range of addresses (`mmap` with
    /// `MAP_NORESERVE`: pages cost memory only once touched), so a later
    /// allocation always has a higher address. Separate `calloc` chunks did
    /// not guarantee that: a second chunk could come from below the first
    /// (another thread's malloc arena, a freed block), and clusters named in
    /// it were then drawn first — grouped frames differed now and then from a
    /// whole render under load. Past the reservation (a graph needing more
    /// than `reservation` bytes of cgraph memory), chunks of `calloc` follow.
    final class Arena {
        static let reservation = 256 << 20
        static let chunkSize = 64 << 10
        private var region: UnsafeMutableRawPointer?
        private var chunks: [UnsafeMutableRawPointer] = []
        private var next: UnsafeMutableRawPointer?
        private var left = 0
        /// The first allocation: cgraph's closure of the graph, freed last by `agclose`.
        private(set) var first: UnsafeMutableRawPointer?

        init() {
            let p = mmap(nil, Self.reservation, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            if let p, p != MAP_FAILED {
                region = p
                next = p
                left = Self.reservation
            }
        }

        func allocate(_ request: Int) -> UnsafeMutableRawPointer? {
            let size = (max(request, 1) + 15) & ~15
            if size > left {
                guard let chunk = calloc(1, max(size, Self.chunkSize)) else { return nil }
                chunks.append(chunk)
                next = chunk
                left = max(size, Self.chunkSize)
            }
            let p = next!
            next = p + size
            left -= size
            if first == nil { first = p }
            return p
        }

        deinit {
            if let region { munmap(region, Self.reservation) }
            for chunk in chunks { free(chunk) }
        }
    }

    /// cgraph's default discipline with `memory` for allocations and `input`
    /// for reading (the defaults are read from a graph `agmemread` made:
    /// Swift may not touch C's mutable globals).
    nonisolated(unsafe) private static let discipline: UnsafeMutablePointer<Agdisc_t> = {
        let probe = agmemread("digraph {}\n")!
        defer { agclose(probe) }
        let defaults = probe.pointee.clos.pointee.disc
        let memory = UnsafeMutablePointer<Agmemdisc_t>.allocate(capacity: 1)
        memory.initialize(to: Agmemdisc_t(open: open, alloc: allocate, resize: resize, free: release, close: close))
        let ids = UnsafeMutablePointer<Agiddisc_t>.allocate(capacity: 1)
        ids.initialize(to: defaults.id.pointee)
        let input = UnsafeMutablePointer<Agiodisc_t>.allocate(capacity: 1)
        input.initialize(to: Agiodisc_t(afread: readLine, putstr: defaults.io.pointee.putstr, flush: defaults.io.pointee.flush))
        let disc = UnsafeMutablePointer<Agdisc_t>.allocate(capacity: 1)
        disc.initialize(to: Agdisc_t(mem: memory, id: ids, io: input))
        return disc
    }()

    private static let open: @convention(c) (UnsafeMutablePointer<Agdisc_t>?) -> UnsafeMutableRawPointer? = { _ in
        Unmanaged.passRetained(Arena()).toOpaque()
    }

    private static let allocate: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = { state, request in
        Unmanaged<Arena>.fromOpaque(state!).takeUnretainedValue().allocate(request)
    }

    private static let resize: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int, Int) -> UnsafeMutableRawPointer? = {
        state, pointer, old, request in
        guard let pointer else { return allocate(state, request) }
        if request <= old { return pointer }
        guard let grown = allocate(state, request) else { return nil }
        grown.copyMemory(from: pointer, byteCount: old)
        return grown
    }

    /// Frees nothing, except the whole arena when the closure (its first allocation) goes.
    private static let release: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { state, pointer in
        let arena = Unmanaged<Arena>.fromOpaque(state!)
        if let pointer, pointer == arena.takeUnretainedValue().first { arena.release() }
    }

    private static let close: @convention(c) (UnsafeMutableRawPointer?) -> Void = { _ in }

    /// One line at a time, as `agmemread` reads.
    private static let readLine: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, Int32) -> Int32 = {
        channel, buffer, size in
        guard size > 0, let buffer else { return 0 }
        let reader = channel!.assumingMemoryBound(to: Reader.self)
        guard reader.pointee.offset < reader.pointee.length else { return 0 }
        var n = 0
        var c: CChar = 0
        repeat {
            c = reader.pointee.data[reader.pointee.offset + n]
            buffer[n] = c
            n += 1
        } while c != 10 && n < Int(size) && reader.pointee.offset + n < reader.pointee.length
        reader.pointee.offset += n
        return Int32(n)
    }
}
