/// A small well-formedness check for the generated HTML/SVG: every opened tag is closed in order
/// (void HTML elements and self-closing tags excepted), attribute quotes balance, and no raw `&` or `<`
/// appears in text.
enum TagBalance {
    static let voidElements: Set<String> = ["meta", "br", "hr", "img", "link", "input"]

    static func check(_ text: String) -> [String] {
        var problems: [String] = []
        var stack: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            let before = rest[..<open]
            if before.contains("&"), before.split(separator: "&").dropFirst().contains(where: { !$0.contains(";") }) {
                problems.append("raw & in text: \(before.prefix(40))")
            }
            guard let close = rest[open...].firstIndex(of: ">") else { problems.append("unclosed <"); break }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") { continue }
            if tag.filter({ $0 == "\"" }).count % 2 != 0 { problems.append("unbalanced quotes in <\(tag)>") }
            if tag.contains("<") { problems.append("< inside tag <\(tag)>") }
            let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber })
            if tag.hasPrefix("/") {
                if stack.last == name { stack.removeLast() } else { problems.append("</\(name)> closes <\(stack.last ?? "nothing")>") }
            } else if !tag.hasSuffix("/") && !voidElements.contains(name) {
                stack.append(name)
            }
        }
        if !stack.isEmpty { problems.append("never closed: \(stack)") }
        return problems
    }
}
