namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>Records the flash queue's write sequence (through <see cref="IFlashObserver"/>) and replays prefixes of it.</summary>
internal sealed class FlashJournal : IFlashObserver
{
    public List<FlashOp> Ops { get; } = [];

    public void OnCreate(string path, bool truncate) => Ops.Add(new FlashOp(truncate ? FlashOpKind.Truncate : FlashOpKind.Open, Path.GetFileName(path), []));

    public void OnAppend(string path, byte[] buffer, int offset, int count) => Ops.Add(new FlashOp(FlashOpKind.Append, Path.GetFileName(path), buffer[offset..(offset + count)]));

    public void OnDelete(string path) => Ops.Add(new FlashOp(FlashOpKind.Delete, Path.GetFileName(path), []));

    /// <summary>Applies one operation to a directory, an append cut to its first <paramref name="bytes"/> bytes (all when -1).</summary>
    public static void Apply(string directory, FlashOp op, int bytes = -1, byte[]? tail = null)
    {
        var path = Path.Combine(directory, op.Name);
        switch (op.Kind)
        {
            case FlashOpKind.Open:
                if (!File.Exists(path))
                {
                    File.WriteAllBytes(path, []);
                }

                break;
            case FlashOpKind.Truncate:
                File.WriteAllBytes(path, []);
                break;
            case FlashOpKind.Append:
                using (var file = new FileStream(path, FileMode.Append, FileAccess.Write))
                {
                    file.Write(op.Data, 0, bytes < 0 ? op.Data.Length : bytes);
                    if (tail is not null)
                    {
                        file.Write(tail);
                    }
                }

                break;
            case FlashOpKind.Delete:
                File.Delete(path);
                break;
        }
    }
}
