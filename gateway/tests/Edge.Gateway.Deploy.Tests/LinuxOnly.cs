// The package, the unit and install.sh are for Linux; so are these tests (Unix sockets, file modes, bash).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
