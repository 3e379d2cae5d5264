namespace Edge.Protocol.Senml;

/// <summary>SenML CBOR labels (RFC 8428 §6, Table 6) and the Edge extension labels.</summary>
internal static class SenmlLabels
{
    public const int BaseVersion = -1;
    public const int BaseName = -2;
    public const int BaseTime = -3;
    public const int BaseUnit = -4;
    public const int BaseValue = -5;
    public const int BaseSum = -6;
    public const int Name = 0;
    public const int Unit = 1;
    public const int Value = 2;
    public const int StringValue = 3;
    public const int BooleanValue = 4;
    public const int Sum = 5;
    public const int Time = 6;
    public const int UpdateTime = 7;
    public const int DataValue = 8;

    /// <summary>Edge extension (RFC 8428 §4.4): boot id, text label "bid", in the first record.</summary>
    public const string BootId = "bid";

    /// <summary>Edge extension (RFC 8428 §4.4): per-boot sequence number, text label "seq", in the first record.</summary>
    public const string Sequence = "seq";

    /// <summary>UTF-8 CBOR encoding of the text label "bid" (0x63 'b' 'i' 'd').</summary>
    public static byte[] BootIdCbor() => new byte[] { 0x63, 0x62, 0x69, 0x64 };

    /// <summary>UTF-8 CBOR encoding of the text label "seq" (0x63 's' 'e' 'q').</summary>
    public static byte[] SequenceCbor() => new byte[] { 0x63, 0x73, 0x65, 0x71 };
}
