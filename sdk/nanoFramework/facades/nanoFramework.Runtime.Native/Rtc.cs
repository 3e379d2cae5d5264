// Facade (declaration only) of nanoFramework.Runtime.Native 1.7.11, assembly nanoFramework.Runtime.Native,
// declared from the upstream API at github.com/nanoframework/nanoFramework.Runtime.Native (nanoFramework.Runtime.Native/RTC.cs).
// Never deployed: bodies throw null. Upstream: true when the target set its system date and time, false where the
// target cannot (availability depends on the nanoCLR target).

namespace nanoFramework.Runtime.Native;

public static class Rtc
{
    public static bool SetSystemTime(System.DateTime time) => throw null;
}
