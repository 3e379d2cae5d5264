namespace Edge.Storage;

/// <summary>Argument checks for both targets (netstandard2.1 has no ArgumentNullException.ThrowIfNull).</summary>
internal static class Argument
{
    public static void NotNull(object? value, string name)
    {
#if NET6_0_OR_GREATER
        ArgumentNullException.ThrowIfNull(value, name);
#else
        if (value is null)
        {
            throw new ArgumentNullException(name);
        }
#endif
    }
}
