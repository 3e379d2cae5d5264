namespace Edge.Gateway;

internal static class Program
{
    public static int Main() => 0;
}
