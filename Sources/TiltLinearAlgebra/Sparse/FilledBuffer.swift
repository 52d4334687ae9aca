extension UnsafeMutablePointer {
    /// A buffer of `count` elements (at least one, so that an empty one still has an address), each `value`:
    /// the kernels' workspaces, allocated once and read through raw pointers in their loops.
    static func allocateFilled(_ count: Int, with value: Pointee) -> UnsafeMutablePointer<Pointee> {
        let buffer = UnsafeMutablePointer<Pointee>.allocate(capacity: Swift.max(count, 1))
        buffer.initialize(repeating: value, count: Swift.max(count, 1))
        return buffer
    }
}
