/// The distinct names of several lists, in order of first appearance (factors or sectors that differ
/// between results, windows or rebalances).
func orderedUnion<S: Sequence>(_ lists: S) -> [String] where S.Element == [String] {
    var seen: Set<String> = []
    var names: [String] = []
    for name in lists.joined() where seen.insert(name).inserted { names.append(name) }
    return names
}
