namespace Edge.Storage.Tests;

public sealed class StorageFailureTests
{
    [Fact]
    public void IsDiskFull_SystemCallExceptionWithEnospc_TrueByValueWhateverTheMessage()
    {
        var e = new SystemCallException("fdatasync failed", StorageFailure.ENOSPC);

        Assert.True(StorageFailure.IsDiskFull(e));
        Assert.True(StorageFailure.IsDiskFull(new IOException("wrapped", e)));
        Assert.False(StorageFailure.IsIOError(e));
        Assert.Equal(StorageFailure.ENOSPC, e.HResult);
    }

    [Fact]
    public void IsDiskFull_MessageSaysNoSpaceButErrnoIsEio_False()
    {
        var e = new SystemCallException("No space left on device (errno 28)", StorageFailure.EIO);

        Assert.False(StorageFailure.IsDiskFull(e));
        Assert.True(StorageFailure.IsIOError(e));
    }

    [Fact]
    public void IsDiskFull_DotNetIOExceptionCarryingTheErrno_True()
    {
        // .NET on Unix puts the errno of a failed write into the IOException's HResult.
        Assert.True(StorageFailure.IsDiskFull(new IOException("No space left on device", StorageFailure.EDQUOT)));
        Assert.False(StorageFailure.IsDiskFull(new IOException("some failure")));
    }

    [Fact]
    public void FlushData_StreamWrapsTheErrno_KeepsItByValue()
    {
        Assert.SkipUnless(FileSync.HasDirectoryFsync, "errno numbers are POSIX");
        var e = Errno.Exception("fdatasync", "(file handle)", StorageFailure.EIO);

        var call = Assert.IsType<SystemCallException>(e);
        Assert.Equal(StorageFailure.EIO, call.Errno);
        Assert.Contains("errno 5 (EIO)", call.Message, StringComparison.Ordinal);
    }
}
