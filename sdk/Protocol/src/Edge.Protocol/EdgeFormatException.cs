using System;

namespace Edge.Protocol;

/// <summary>
/// The only exception the protocol decoders throw for malformed input (SenML-CBOR packs, command and ack
/// payloads). <see cref="Offset"/> is the byte offset, relative to the start of the decoded range, where
/// the problem was found.
/// </summary>
public class EdgeFormatException : Exception
{
    /// <summary>Creates an exception with a generic message and offset -1 (unknown).</summary>
    public EdgeFormatException()
        : base("Malformed Edge payload.")
    {
        Offset = -1;
    }

    /// <summary>Creates an exception with the given message and offset -1 (unknown).</summary>
    /// <param name="message">What is wrong with the input.</param>
    public EdgeFormatException(string message)
        : base(message)
    {
        Offset = -1;
    }

    /// <summary>Creates an exception with the given message, inner exception and offset -1 (unknown).</summary>
    /// <param name="message">What is wrong with the input.</param>
    /// <param name="innerException">The cause.</param>
    public EdgeFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Offset = -1;
    }

    /// <summary>Creates an exception for a problem found at a byte offset.</summary>
    /// <param name="message">What is wrong with the input.</param>
    /// <param name="offset">Byte offset relative to the start of the decoded range.</param>
    public EdgeFormatException(string message, int offset)
        : base(message + " (at byte " + offset.ToString() + ")")
    {
        Offset = offset;
    }

    /// <summary>Byte offset of the problem relative to the start of the decoded range; -1 when unknown.</summary>
    public int Offset { get; }
}
