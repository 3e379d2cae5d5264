namespace Edge.Gateway.Security;

/// <summary>
/// devices.json cannot be read or is not a valid device credentials file. The message names the file and the
/// problem in one line. At start the gateway exits 78 with it; at run time the last good credentials stay in force.
/// An <see cref="InvalidOperationException"/>, so the CLI reports it like its other refusals.
/// </summary>
internal sealed class CredentialsFileException : InvalidOperationException
{
    public CredentialsFileException(string path, string problem)
        : base($"device credentials file '{path}' is invalid: {problem}")
    {
        Problem = problem;
    }

    public CredentialsFileException()
    {
        Problem = "";
    }

    public CredentialsFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    /// <summary>What is wrong with the file, without its path.</summary>
    public string Problem { get; }
}
