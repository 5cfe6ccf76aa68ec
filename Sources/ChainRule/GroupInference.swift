/// Neurons and layers found in a scalar network's structure, for scripts
/// that do not group their nodes themselves (micrograd-style MLPs written
/// with anonymous temporaries such as `t61 = t59 + t60`).
///
/// - A **neuron** is an activation (`tanh`, `relu`, `sigmoid`) on a scalar
///   together with the weighted sum that feeds it: walking back from the
///   activation, every node all of whose uses are already in the neuron
///   joins it (the products, the additions, the weights and the bias), up
///   to another neuron's activation or a value used elsewhere (the inputs).
/// - A **layer** is the neurons that read the same inputs.
///
/// Only networks with at least two neurons are grouped: a lone neuron is the
/// whole figure, and a cluster around it would say nothing.
extension Graph {
    /// Neurons and layers found in the graph's structure, for figures of
    /// networks written without `group` blocks (see the rules above).
    public func inferredGroups() -> NodeGroups {
        let consumers = self.consumers
        var owner = [Int](repeating: -1, count: nodes.count)  // the neuron a node is in
        var neurons: [(activation: NodeID, members: [NodeID], inputs: [NodeID])] = []
        for node in nodes where node.shape.isEmpty && Self.isActivation(node.operation) {
            let n = neurons.count
            owner[node.id.index] = n
            var members = [node.id]
            var pending = MaxHeap()
            for input in node.inputs { pending.push(input.index) }
            var external = Set<Int>()
            // Operands before their consumers are decided last: visiting in
            // decreasing index order sees every use of a node before the node.
            while let index = pending.pop() {
                if owner[index] == n { continue }
                let candidate = nodes[index]
                let uses = consumers[index]
                let privateToNeuron = owner[index] == -1 && !Self.isActivation(candidate.operation)
                    && !uses.isEmpty && uses.allSatisfy { owner[$0.node.index] == n }
                if privateToNeuron {
                    owner[index] = n
                    members.append(candidate.id)
                    for input in candidate.inputs { pending.push(input.index) }
                } else {
                    external.insert(index)
                }
            }
            // A node first seen as external may have joined later (a
            // diamond inside the sum); only what stayed outside is an input.
            let inputs = external.filter { owner[$0] != n }.sorted().map(NodeID.init)
            neurons.append((node.id, members.sorted(), inputs))
        }
        guard neurons.count >= 2 else { return .none }

        // Layers: neurons with the same inputs, in order of their first neuron.
        var layerOf: [[NodeID]: Int] = [:]
        var layers: [[Int]] = []
        for (n, neuron) in neurons.enumerated() {
            if let l = layerOf[neuron.inputs] {
                layers[l].append(n)
            } else {
                layerOf[neuron.inputs] = layers.count
                layers.append([n])
            }
        }
        var groups: [NodeGroup] = []
        for (l, layer) in layers.enumerated() {
            let layerIndex = groups.count
            groups.append(NodeGroup(name: "layer \(l + 1)", kind: .layer))
            for (k, n) in layer.enumerated() {
                groups.append(NodeGroup(name: "neuron \(l + 1).\(k + 1)", kind: .neuron,
                                        parent: layerIndex, nodes: neurons[n].members))
            }
        }
        return NodeGroups(groups: groups, nodeCount: nodes.count)
    }

    /// The activations a neuron ends in: `tanh`, `relu`, `sigmoid`.
    public static func isActivation(_ op: Operation?) -> Bool {
        switch op {
        case .tanh?, .relu?, .sigmoid?: return true
        default: return false
        }
    }
}

/// A binary max-heap of node indices (the inference visits nodes from the
/// latest back; a heap keeps that linear-logarithmic on any graph).
private struct MaxHeap {
    private var items: [Int] = []

    mutating func push(_ x: Int) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent] >= items[i] { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> Int? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if items.isEmpty { return top }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var largest = i
            if l < items.count && items[l] > items[largest] { largest = l }
            if r < items.count && items[r] > items[largest] { largest = r }
            if largest == i { break }
            items.swapAt(i, largest)
            i = largest
        }
        return top
    }
}
