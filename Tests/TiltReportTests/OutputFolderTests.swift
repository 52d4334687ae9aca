import Foundation
import Testing
@testable import TiltReport
import TiltTestSupport

/// `OutputFolder` replaces Tilt's files as a set, touches nothing else, refuses inputs it would replace and
/// recovers from a run killed at any step of a replacement.
@Suite struct OutputFolderTests {
    static let own = ["a.csv", "b.csv", "c.csv"]

    func texts(_ folder: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            result[name] = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? "<folder>"
        }
        return result
    }

    func write(_ files: [String: String], into folder: URL) throws {
        let output = OutputFolder(path: folder.path, ownNames: Self.own)
        for name in files.keys.sorted() { try output.stage(name, text: files[name]!) }
        try output.commit()
    }

    @Test func aCommitReplacesTheSetAndNothingElse() throws {
        let folder = try scratchFolder().appendingPathComponent("out")
        try write(["a.csv": "a1", "b.csv": "b1", "c.csv": "c1"], into: folder)
        try "mine".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        #expect(try texts(folder) == ["a.csv": "a1", "b.csv": "b1", "c.csv": "c1", ".tilt-files": "a.csv\nb.csv\nc.csv\n", "notes.txt": "mine"])
        // The next set has no c.csv: the old one goes (it would be a stale file beside the new set).
        try write(["a.csv": "a2", "b.csv": "b2"], into: folder)
        #expect(try texts(folder) == ["a.csv": "a2", "b.csv": "b2", ".tilt-files": "a.csv\nb.csv\n", "notes.txt": "mine"])
    }

    /// A folder holding the set {a1}, its contents, and a writer that has staged a new a.csv.
    func folderWithAStagedFile() throws -> (folder: URL, before: [String: String], output: OutputFolder) {
        let folder = try scratchFolder().appendingPathComponent("out")
        try write(["a.csv": "a1"], into: folder)
        let before = try texts(folder)
        let output = OutputFolder(path: folder.path, ownNames: Self.own)
        try output.stage("a.csv", text: "a2")
        return (folder, before, output)
    }

    @Test func discardingLeavesTheOldSet() throws {
        let (folder, before, output) = try folderWithAStagedFile()
        try output.stage("b.csv", text: "b2")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasPrefix(".tilt-staging-") })
        output.discard()
        #expect(try texts(folder) == before)
    }

    /// Only one run writes to a folder at a time.
    @Test func aSecondWriterIsRefusedWhileTheFirstStages() throws {
        let folder = try scratchFolder().appendingPathComponent("out")
        let first = OutputFolder(path: folder.path, ownNames: Self.own)
        try first.stage("a.csv", text: "1")
        let second = OutputFolder(path: folder.path, ownNames: Self.own)
        #expect(throws: ReportError(path: folder.path, message: "another tilt run is writing to this folder")) {
            try second.stage("a.csv", text: "2")
        }
        try first.commit()
        try second.stage("a.csv", text: "2")
        try second.commit()
        #expect(try texts(folder)["a.csv"] == "2")
    }

    /// A run killed at each step of a commit: the next writer finds the folder old (staging only) or
    /// completes the new set (journal written), whatever was already moved.
    @Test(arguments: 0...5)
    func aKilledCommitIsRecovered(step: Int) throws {
        let folder = try scratchFolder().appendingPathComponent("out")
        try write(["a.csv": "a1", "b.csv": "b1", "c.csv": "c1"], into: folder)
        let old = try texts(folder)
        // What a commit of {a2, b2} had done when it was killed, step by step.
        let staging = ".tilt-staging-KILLED"
        let stagingURL = folder.appendingPathComponent(staging)
        try FileManager.default.createDirectory(at: stagingURL, withIntermediateDirectories: false)
        try "a2".write(to: stagingURL.appendingPathComponent("a.csv"), atomically: false, encoding: .utf8)
        try "b2".write(to: stagingURL.appendingPathComponent("b.csv"), atomically: false, encoding: .utf8)
        try "half".write(to: stagingURL.appendingPathComponent(".tilt-0000.tmp"), atomically: false, encoding: .utf8)
        if step >= 1 {
            try "a.csv\nb.csv\n".write(to: stagingURL.appendingPathComponent(".tilt-files"), atomically: false, encoding: .utf8)
            let journal = OutputFolder.Journal(staging: staging, new: ["a.csv", "b.csv", ".tilt-files"], removed: ["c.csv"])
            try journal.text.write(to: folder.appendingPathComponent(".tilt-replace"), atomically: false, encoding: .utf8)
        }
        if step >= 2 { try FileManager.default.removeItem(at: folder.appendingPathComponent("c.csv")) }
        if step >= 3 { rename(stagingURL.appendingPathComponent("a.csv").path, folder.appendingPathComponent("a.csv").path) }
        if step >= 4 {
            rename(stagingURL.appendingPathComponent("b.csv").path, folder.appendingPathComponent("b.csv").path)
            rename(stagingURL.appendingPathComponent(".tilt-files").path, folder.appendingPathComponent(".tilt-files").path)
        }
        if step >= 5 { try FileManager.default.removeItem(at: stagingURL) }
        try OutputFolder.recover(in: folder.path)
        let expected = step == 0 ? old : ["a.csv": "a2", "b.csv": "b2", ".tilt-files": "a.csv\nb.csv\n"]
        #expect(try texts(folder) == expected, "killed at step \(step)")
    }

    /// A journal without its staging folder (the folder removed by hand, say) removes nothing: the staging
    /// folder goes only once every new file is in place, so no old file is removed for a new one that is lost.
    @Test func aJournalWithoutItsStagingFolderOnlyGoes() throws {
        let folder = try scratchFolder().appendingPathComponent("out")
        try write(["a.csv": "a1", "c.csv": "c1"], into: folder)
        let before = try texts(folder)
        let journal = OutputFolder.Journal(staging: ".tilt-staging-GONE", new: ["a.csv", ".tilt-files"], removed: ["c.csv"])
        try journal.text.write(to: folder.appendingPathComponent(".tilt-replace"), atomically: false, encoding: .utf8)
        try OutputFolder.recover(in: folder.path)
        #expect(try texts(folder) == before)
    }

    /// A commit that fails before it is decided (the manifest or the journal cannot be written) leaves the
    /// old set, and neither staging folder nor journal.
    @Test func aCommitThatFailsEarlyLeavesTheOldSet() throws {
        let (folder, before, output) = try folderWithAStagedFile()
        // The manifest's name taken by a folder in the staging folder: writing it fails.
        let staging = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix(".tilt-staging-") })
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(staging).appendingPathComponent(".tilt-files"),
                                                withIntermediateDirectories: false)
        #expect(throws: ReportError.self) { try output.commit() }
        #expect(try texts(folder) == before)
    }

    /// A journal that is damaged, or names anything outside the folder, is refused and nothing is done.
    @Test(arguments: ["garbage", "tilt output folder replacement 1\nstaging ../elsewhere\nnew a.csv\n",
                      "tilt output folder replacement 1\nstaging .tilt-staging-x\nremove ../../etc/passwd\n",
                      "tilt output folder replacement 1\nstaging .tilt-staging-x\nnew a.csv\nother line\n"])
    func aDamagedJournalIsRefused(text: String) throws {
        let folder = try scratchFolder().appendingPathComponent("out")
        try write(["a.csv": "a1"], into: folder)
        try text.write(to: folder.appendingPathComponent(".tilt-replace"), atomically: false, encoding: .utf8)
        let before = try texts(folder)
        #expect(throws: ReportError.self) { try OutputFolder.recover(in: folder.path) }
        #expect(try texts(folder) == before)
    }

    /// Inputs the set would replace, however they are spelled: the file itself, through `..`, through a
    /// link to it, a link in the folder (its entry is replaced), through a linked folder. Others are fine.
    @Test func inputsTheSetWouldReplaceAreRefused() throws {
        let root = try scratchFolder()
        let folder = root.appendingPathComponent("out")
        try write(["a.csv": "a1"], into: folder)
        try "x".write(to: root.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("to-a.csv").path, withDestinationPath: "out/a.csv")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("b.csv").path, withDestinationPath: "../data.csv")
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("same").path, withDestinationPath: "out")
        let output = OutputFolder(path: folder.path, ownNames: Self.own)
        for refused in ["out/a.csv", "out/../out/a.csv", "to-a.csv", "out/b.csv", "same/a.csv", "out/c.csv"] {
            #expect(throws: ReportError.self, "\(refused)") { try output.check(input: root.appendingPathComponent(refused).path) }
        }
        for allowed in ["data.csv", "out/notes.txt", "out/.tilt-files", "elsewhere/a.csv"] {
            #expect(throws: Never.self, "\(allowed)") { try output.check(input: root.appendingPathComponent(allowed).path) }
        }
    }
}
