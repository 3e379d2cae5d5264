using Edge.Gateway.Log.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Gateway.Log;

/// <summary>Opens durable logs.</summary>
public static class DurableLog
{
    /// <summary>
    /// Opens (creating if needed) the log in <see cref="DurableLogOptions.Directory"/> and recovers it: reads the
    /// checkpoint, scans the tail segment and cuts a torn or corrupt tail at the last valid record (logged and
    /// counted). Only one process may open a directory at a time.
    /// </summary>
    /// <param name="options">Validated options.</param>
    /// <param name="logger">Receives recovery, drop and failure messages; null for none.</param>
    /// <param name="timeProvider">Clock for record timestamps; null for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The open log; dispose it to flush and close.</returns>
    /// <exception cref="ArgumentException">Invalid options (the message names the property).</exception>
    /// <exception cref="IOException">The directory or a segment cannot be read or written.</exception>
    public static IDurableLog Open(DurableLogOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return DurableLogCore.Open(options, logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
    }
}
