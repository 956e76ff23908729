import Foundation

/// Runs `executable ARGUMENTS` and collects its output as text (see `runProcessBytes`).
public func runProcess(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
    timeLimit: Double? = nil
) throws -> RunResult {
    let run = try runProcessBytes(executable, arguments, in: directory, environment: environment, timeLimit: timeLimit)
    return RunResult(
        status: run.status, exited: run.exited, timedOut: run.timedOut,
        stdout: String(decoding: run.stdout, as: UTF8.self), stderr: String(decoding: run.stderr, as: UTF8.self))
}

/// Runs a child process in `directory` with `environment` added to this process's, stdin from
/// `stdin` (else empty) and stdout and stderr captured in files, so a chatty child can never
/// block on a full pipe; after `timeLimit` seconds it is sent SIGTERM, and SIGKILL 5 s later.
/// Returns how it ended and both outputs as bytes.
public func runProcessBytes(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
    stdin: Data? = nil, timeLimit: Double? = nil
) throws -> (status: Int32, exited: Bool, timedOut: Bool, stdout: Data, stderr: Data) {
    let scratch = try TempDir()
    defer { scratch.remove() }
    let outURL = try scratch.write("stdout", Data()), errURL = try scratch.write("stderr", Data())
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = out
    process.standardError = err
    process.standardInput = try stdin.map { try FileHandle(forReadingFrom: scratch.write("stdin", $0)) } ?? FileHandle.nullDevice
    let done = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in done.signal() }
    try process.run()
    let timedOut = done.wait(timeout: timeLimit.map { .now() + $0 } ?? .distantFuture) == .timedOut
    if timedOut {
        process.terminate()
        if done.wait(timeout: .now() + 5) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
    }
    try out.close()
    try err.close()
    return (
        process.terminationStatus, process.terminationReason == .exit, timedOut,
        try Data(contentsOf: outURL), try Data(contentsOf: errURL)
    )
}
