namespace Edge.Device.NanoFramework;

/// <summary>
/// Sees every mutation <see cref="FlashStorage"/> is about to make, in order (tests record the write sequence and
/// replay every prefix of it, torn at every byte, to simulate a reset at any moment).
/// </summary>
internal interface IFlashObserver
{
    /// <summary>A file is opened for appending (<paramref name="truncate"/> false) or emptied/created empty (true).</summary>
    void OnCreate(string path, bool truncate);

    /// <summary>Bytes are appended to a file in one write and synced.</summary>
    void OnAppend(string path, byte[] buffer, int offset, int count);

    /// <summary>A file is deleted.</summary>
    void OnDelete(string path);
}
