import Foundation

/// A folder Tilt writes its files into (`tilt run --out D`), replaced as a set: after a run the folder
/// holds the complete new set of Tilt's files or, when the run failed or was stopped, the old set
/// untouched — never some new files beside some old ones. Files in the folder that are not Tilt's (any
/// name outside `ownNames`) are never touched, and a file the run read is never replaced (`check(input:)`).
///
/// How (see Docs/reliability.md):
/// 1. `stage` writes each new file into a hidden staging folder inside the folder (`.tilt-staging-…`,
///    on the same file system, so that renames are atomic), each flushed to disk.
/// 2. `commit` writes a journal (`.tilt-replace`) naming the staging folder, the new files and the old
///    Tilt files to remove (those of the previous set, listed in its manifest `.tilt-files`, that the new
///    set does not have); from then on the replacement is decided.
/// 3. It removes those old files, renames each new one (and the new manifest) into place, removes the
///    staging folder and then the journal.
/// A run killed before step 2 left only a staging folder: the next run writing to the folder removes it
/// (rolled back). A run killed during step 3 left the journal: the next run completes it (rolled forward).
/// SIGINT, SIGTERM and SIGHUP never leave either: `Interruption` removes the staging folder, and a commit
/// in progress finishes first. One run at a time writes to a folder (an advisory lock on it).
///
/// A symbolic link in the folder with the name of one of Tilt's files is replaced by the new file; the
/// file it pointed to is left as it was.
public final class OutputFolder {
    /// The folder, as given.
    public let path: String
    /// Every file name Tilt may write into the folder; no other file there is ever replaced or removed.
    public let ownNames: Set<String>

    /// The staging folder's name, once the first file is staged.
    private var staging: String?
    /// The staged files' names, in the order they were first staged.
    private var stagedNames: [String] = []
    /// The folder, opened and locked while files are staged.
    private var lockDescriptor: Int32 = -1
    /// The cleanup that removes the staging folder if a signal ends the process.
    private var cleanup: Int?

    static let journalName = ".tilt-replace"
    static let manifestName = ".tilt-files"
    static let stagingPrefix = ".tilt-staging-"

    public init(path: String, ownNames: [String]) {
        self.path = path
        self.ownNames = Set(ownNames)
    }

    deinit { discard() }

    /// Whether files have been staged and not yet committed or discarded.
    public var hasStagedFiles: Bool { staging != nil }

    // MARK: Inputs

    /// Throws, naming both, when `input` — a file the run reads, as the run names it — is a file the set
    /// would replace: the folder's own file of that name, or the file a link in the folder with that name
    /// points to. Symbolic links are followed on both sides, so that two spellings of one file are one.
    public func check(input: String) throws(ReportError) {
        let folder = OutputFolder.canonicalFolder(path)
        let candidates = [OutputFolder.entryPath(input), OutputFolder.canonicalPath(input)].compactMap { $0 }
        // The entry the run opens (a link in the folder, say) or the file it reads in the end: either being
        // one of the folder's entries that the set replaces is a clash.
        for name in ownNames.sorted() {
            let output = folder + "/" + name
            if candidates.contains(output) {
                throw ReportError(path: path, message: "the run reads `\(input)`, which writing `\(name)` here would replace: "
                                  + "give --out another folder")
            }
        }
    }

    // MARK: Writing

    /// Stages `text` as the new file `name` (one of `ownNames`); returns where it will be once committed.
    @discardableResult
    public func stage(_ name: String, text: String) throws(ReportError) -> URL {
        guard ownNames.contains(name), !name.contains("/") else {
            throw ReportError(path: path, message: "internal error: `\(name)` is not one of Tilt's files here")
        }
        let staging = try openStaging()
        try AtomicFile.write(text, to: URL(fileURLWithPath: path + "/" + staging + "/" + name))
        if !stagedNames.contains(name) { stagedNames.append(name) }
        return URL(fileURLWithPath: path).appendingPathComponent(name)
    }

    /// Replaces Tilt's files in the folder with the staged set; returns the new set's files. Nothing
    /// staged: nothing changes. After a failure before the journal is written the old set is untouched; a
    /// failure after it (a rename the system refuses) is an error, and the next run completes the set.
    @discardableResult
    public func commit() throws(ReportError) -> [URL] {
        guard let staging else { return [] }
        let names = stagedNames
        var decided = false
        do throws(ReportError) {
            // Held throughout: a signal arriving during the commit is handled once the new set is in place.
            try Interruption.whileHeld { () throws(ReportError) in
                try AtomicFile.write(names.map { $0 + "\n" }.joined(), to: URL(fileURLWithPath: path + "/" + staging + "/" + OutputFolder.manifestName))
                try OutputFolder.synchronize(path + "/" + staging)
                let previous = OutputFolder.manifest(in: path).filter(ownNames.contains)
                let journal = Journal(staging: staging, new: names + [OutputFolder.manifestName],
                                      removed: previous.filter { !names.contains($0) })
                try AtomicFile.write(journal.text, to: URL(fileURLWithPath: path + "/" + OutputFolder.journalName))
                try OutputFolder.synchronize(path)
                // Decided: from here the replacement is completed, now or by the next run.
                decided = true
                if let cleanup { Interruption.removeCleanup(cleanup) }
                cleanup = nil
                self.staging = nil
                try journal.apply(in: path)
            }
        } catch {
            if !decided {
                // A journal that may have been written must not outlive its staging folder.
                unlink(path + "/" + OutputFolder.journalName)
                discard()
            }
            throw error
        }
        stagedNames = []
        unlock()
        return names.map { URL(fileURLWithPath: path).appendingPathComponent($0) }
    }

    /// Forgets the staged files (the run failed): the folder keeps its old set.
    public func discard() {
        if let staging {
            Interruption.whileHeld {
                OutputFolder.removeTree(path + "/" + staging)
                if let cleanup { Interruption.removeCleanup(cleanup) }
            }
        }
        staging = nil
        cleanup = nil
        stagedNames = []
        unlock()
    }

    /// The staging folder, made (with the folder itself, locked, and any earlier run's leftovers dealt with)
    /// the first time a file is staged.
    private func openStaging() throws(ReportError) -> String {
        if let staging { return staging }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ReportError(path: path, message: "cannot create the folder: \(AtomicFile.reason(error))")
        }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReportError(path: path, message: "cannot open the folder: \(lastError())") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = lastError()
            close(descriptor)
            throw ReportError(path: path, message: busy ? "another tilt run is writing to this folder" : "cannot lock the folder: \(reason)")
        }
        lockDescriptor = descriptor
        do throws(ReportError) {
            try OutputFolder.recover(in: path)
        } catch {
            unlock()
            throw error
        }
        let made: String? = Interruption.whileHeld {
            var template = Array((path + "/" + OutputFolder.stagingPrefix + "XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else { return nil }
            let full = String(cString: made)
            cleanup = Interruption.addCleanup { OutputFolder.removeTree(full) }
            return (full as NSString).lastPathComponent
        }
        guard let made else {
            let reason = lastError()
            unlock()
            throw ReportError(path: path, message: "cannot create a staging folder in it: \(reason)")
        }
        staging = made
        return made
    }

    private func unlock() {
        if lockDescriptor >= 0 { close(lockDescriptor) }
        lockDescriptor = -1
    }

    // MARK: Recovery

    /// Completes a replacement a killed run decided (its journal is there) and removes what a killed run
    /// left before deciding (staging folders, temporary files). The caller holds the folder's lock.
    static func recover(in folder: String) throws(ReportError) {
        let journalPath = folder + "/" + journalName
        if let text = try? String(contentsOfFile: journalPath, encoding: .utf8) {
            guard let journal = Journal(text: text) else {
                throw ReportError(path: journalPath, message: "an earlier run left this journal damaged; look at the folder, then remove the file")
            }
            try journal.apply(in: folder)
        }
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in leftovers where name.hasPrefix(stagingPrefix) || (name.hasPrefix(AtomicFile.temporaryPrefix) && name.hasSuffix(".tmp")) {
            removeTree(folder + "/" + name)
        }
    }

    /// What a commit does, written down before it is done.
    struct Journal: Equatable {
        /// The staging folder's name.
        var staging: String
        /// The files moved from the staging folder into place (the manifest last).
        var new: [String]
        /// The old set's files the new set does not have.
        var removed: [String]

        static let header = "tilt output folder replacement 1"

        var text: String {
            ([Journal.header, "staging " + staging] + new.map { "new " + $0 } + removed.map { "remove " + $0 })
                .joined(separator: "\n") + "\n"
        }

        init(staging: String, new: [String], removed: [String]) {
            (self.staging, self.new, self.removed) = (staging, new, removed)
        }

        /// Reads a journal; nil when it is not one (damaged), or names anything outside the folder.
        init?(text: String) {
            var lines = text.split(separator: "\n").map(String.init)
            guard lines.first == Journal.header, lines.count >= 2, lines[1].hasPrefix("staging ") else { return nil }
            staging = String(lines[1].dropFirst("staging ".count))
            lines.removeFirst(2)
            new = lines.filter { $0.hasPrefix("new ") }.map { String($0.dropFirst(4)) }
            removed = lines.filter { $0.hasPrefix("remove ") }.map { String($0.dropFirst(7)) }
            let names = [staging] + new + removed
            guard staging.hasPrefix(OutputFolder.stagingPrefix), new.count + removed.count == lines.count,
                  names.allSatisfy({ !$0.isEmpty && !$0.contains("/") && $0 != "." && $0 != ".." }) else { return nil }
        }

        /// Does (or finishes) the replacement: removes the old files, moves the staged ones into place, then
        /// removes the staging folder and the journal. Each step can be done again after a kill. Without
        /// its staging folder (removed only after every file was moved) only the journal is left to remove.
        func apply(in folder: String) throws(ReportError) {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + staging, isDirectory: &isFolder), isFolder.boolValue {
                try replaceFiles(in: folder)
            }
            unlink(folder + "/" + OutputFolder.journalName)
            try OutputFolder.synchronize(folder)
        }

        private func replaceFiles(in folder: String) throws(ReportError) {
            for name in removed where unlink(folder + "/" + name) != 0 && errno != ENOENT {
                throw ReportError(path: folder + "/" + name, message: "cannot remove the old file: \(lastError())")
            }
            for name in new {
                let from = folder + "/" + staging + "/" + name
                guard access(from, F_OK) == 0 else { continue }     // moved already
                guard rename(from, folder + "/" + name) == 0 else {
                    throw ReportError(path: folder + "/" + name, message: "cannot move the new file into place: \(lastError()); "
                                      + "the next tilt run writing to this folder completes the replacement")
                }
            }
            try OutputFolder.synchronize(folder)
            OutputFolder.removeTree(folder + "/" + staging)
        }
    }

    // MARK: Paths and files

    /// The names in the folder's manifest (the set the last run wrote); empty when there is none.
    static func manifest(in folder: String) -> [String] {
        let text = (try? String(contentsOfFile: folder + "/" + manifestName, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { !$0.contains("/") && !$0.isEmpty }
    }

    /// Flushes a folder's entries (new names, renames, removals) to disk.
    static func synchronize(_ folder: String) throws(ReportError) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReportError(path: folder, message: "cannot open the folder: \(lastError())") }
        defer { close(descriptor) }
        // Some file systems cannot flush a folder (EINVAL); their renames are as durable as they get.
        guard fsync(descriptor) == 0 || errno == EINVAL else {
            throw ReportError(path: folder, message: "cannot write the folder to disk: \(lastError())")
        }
    }

    /// Removes a file, or a folder with everything in it (a staging folder holds plain files only).
    static func removeTree(_ path: String) {
        if let names = try? FileManager.default.contentsOfDirectory(atPath: path) {
            for name in names { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// The folder's path with every symbolic link resolved (as given when it does not exist yet).
    static func canonicalFolder(_ folder: String) -> String {
        canonicalPath(folder) ?? URL(fileURLWithPath: folder).standardizedFileURL.path
    }

    /// `path` with every symbolic link resolved, the last one included; nil when it does not exist.
    static func canonicalPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `path` with its folder's symbolic links resolved but not a link at its end: the entry a rename to
    /// this path replaces. Nil when the folder does not exist.
    public static func entryPath(_ path: String) -> String? {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return canonicalPath(url.deletingLastPathComponent().path).map { $0 == "/" ? "/" + url.lastPathComponent : $0 + "/" + url.lastPathComponent }
    }
}

/// The system's words for the last failed call (`errno`).
private func lastError() -> String {
    String(cString: strerror(errno))
}
