#if !NET6_0_OR_GREATER
using System.Runtime.CompilerServices;

namespace System;

/// <summary>
/// netstandard2.1 (Meadow F7) lacks <c>ArgumentNullException.ThrowIfNull</c> (.NET 6+), which the shared sources call;
/// a C# 14 static extension member gives that build the same call with the same behaviour.
/// </summary>
internal static class ArgumentNullExceptionPolyfill
{
    extension(ArgumentNullException)
    {
        /// <summary>Throws <see cref="ArgumentNullException"/> when <paramref name="argument"/> is null.</summary>
        public static void ThrowIfNull(object? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
        {
            if (argument is null)
            {
                throw new ArgumentNullException(paramName);
            }
        }
    }
}
#endif
