import ArgumentParser

@main
struct Tilt: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tilt", version: "0.1.0")
}
