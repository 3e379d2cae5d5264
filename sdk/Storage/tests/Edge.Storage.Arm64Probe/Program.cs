using System.Runtime.InteropServices;
using Edge.Storage;

// Usage: Edge.Storage.Arm64Probe <empty scratch directory>. Prints one "ok ..." line per check and exits 0, or
// prints the failure and exits 1. Every check goes through the real open/fsync/fdatasync/rename of this architecture.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Edge.Storage.Arm64Probe <scratch directory>");
    return 2;
}

try
{
    Console.WriteLine($"architecture {RuntimeInformation.ProcessArchitecture}, O_DIRECTORY 0x{FileSync.DirectoryOpenFlag(FileSync.Platform, RuntimeInformation.OSDescription, RuntimeInformation.ProcessArchitecture):X}");

    var nested = Path.Combine(args[0], "fresh", "var", "data");
    var (full, created) = DurableDirectory.Create(nested);
    Check(created == 3 && Directory.Exists(full), $"DurableDirectory.Create made {created} directories");
    Console.WriteLine("ok DurableDirectory.Create nested 3");

    FileSync.FlushDirectory(full);
    Console.WriteLine("ok FlushDirectory existing");

    var file = Path.Combine(full, "checkpoint");
    AtomicFile.Write(file, [1, 2, 3]);
    AtomicFile.Write(file, [4, 5, 6, 7]);
    Check(File.ReadAllBytes(file).SequenceEqual(new byte[] { 4, 5, 6, 7 }) && !File.Exists(AtomicFile.TempPath(file)), "AtomicFile.Write replaced the contents");
    Console.WriteLine("ok AtomicFile.Write");

    using (var stream = new FileStream(Path.Combine(full, "segment"), FileMode.Create, FileAccess.Write))
    {
        stream.Write(new byte[4096]);
        FileSync.FlushData(stream);
    }

    Console.WriteLine("ok FlushData fdatasync");

    Expect<DirectoryNotFoundException>(() => FileSync.FlushDirectory(Path.Combine(full, "missing")), "errno 2", "missing directory");
    Console.WriteLine("ok FlushDirectory missing throws ENOENT");

    // Only a real O_DIRECTORY makes open() refuse a regular file; with 0x10000 (O_DIRECT on arm64) it would open.
    Expect<IOException>(() => FileSync.FlushDirectory(file), "errno 20", "regular file");
    Console.WriteLine("ok FlushDirectory file throws ENOTDIR");
    return 0;
}
catch (Exception e)
{
    Console.WriteLine("FAILED: " + e);
    return 1;
}

static void Check(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException("check failed: " + what);
    }
}

static void Expect<T>(Action action, string messagePart, string what)
    where T : Exception
{
    try
    {
        action();
    }
    catch (T e) when (e.Message.Contains(messagePart, StringComparison.Ordinal))
    {
        return;
    }

    throw new InvalidOperationException($"FlushDirectory of a {what} did not throw {typeof(T).Name} with '{messagePart}'");
}
