#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/AtomicFile.h"
#include "support/FileSizeLimit.h"
#include "support/TestFiles.h"

namespace fs = std::filesystem;
using impasto::writeFileAtomically;
using impasto::test::Bytes;
using impasto::test::errorFrom;
using impasto::test::filesIn;
using impasto::test::readBytes;

namespace {

Bytes bytesOf(const std::string& text) {
    return Bytes(text.begin(), text.end());
}

unsigned permissionsOf(const fs::path& file) {
    struct stat info {};
    return ::stat(file.c_str(), &info) == 0 ? info.st_mode & 0777 : 0u;
}

}  // namespace

class TestAtomicFile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    fs::path root() const { return dir_.path().toStdString(); }

    // A fresh folder per test, so that leftover files are easy to spot.
    fs::path folder(const std::string& name) const {
        const fs::path path = root() / name;
        fs::create_directory(path);
        return path;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void newFileFollowsUmask() {
        const fs::path file = folder("create") / "new.bin";
        const mode_t previous = ::umask(022);
        writeFileAtomically(file, bytesOf("hello"));
        ::umask(077);
        writeFileAtomically(folder("private") / "new.bin", bytesOf("hello"));
        ::umask(previous);
        QCOMPARE(readBytes(file), bytesOf("hello"));
        QCOMPARE(permissionsOf(file), 0644u);
        QCOMPARE(permissionsOf(root() / "private" / "new.bin"), 0600u);
        QCOMPARE(filesIn(file.parent_path()), std::vector<std::string>{"new.bin"});
    }

    void replacingKeepsPermissions() {
        const fs::path file = folder("keep-mode") / "secret.bin";
        writeFileAtomically(file, bytesOf("first"));
        QCOMPARE(::chmod(file.c_str(), 0600), 0);
        writeFileAtomically(file, bytesOf("second"));
        QCOMPARE(readBytes(file), bytesOf("second"));
        QCOMPARE(permissionsOf(file), 0600u);
        QCOMPARE(::chmod(file.c_str(), 0640), 0);
        writeFileAtomically(file, bytesOf("third"));
        QCOMPARE(permissionsOf(file), 0640u);
    }

    void replacesExistingFile() {
        const fs::path file = folder("replace") / "data.bin";
        writeFileAtomically(file, bytesOf("first version, longer"));
        writeFileAtomically(file, bytesOf("second"));
        QCOMPARE(readBytes(file), bytesOf("second"));
        writeFileAtomically(file, {});
        QVERIFY(fs::exists(file));
        QCOMPARE(fs::file_size(file), 0u);
        QCOMPARE(filesIn(file.parent_path()), std::vector<std::string>{"data.bin"});
    }

    void writesIntoCurrentFolderForBareNames() {
        const fs::path here = folder("bare");
        const QString previous = QDir::currentPath();
        QVERIFY(QDir::setCurrent(QString::fromStdString(here.string())));
        writeFileAtomically("bare.bin", bytesOf("x"));
        QVERIFY(QDir::setCurrent(previous));
        QCOMPARE(readBytes(here / "bare.bin"), bytesOf("x"));
    }

    void missingFolderFails() {
        const fs::path file = root() / "does-not-exist" / "out.bin";
        const QString message = errorFrom([&] { writeFileAtomically(file, bytesOf("x")); });
        QVERIFY2(message.startsWith("Cannot write ") && message.contains("out.bin"),
                 qPrintable(message));
        QVERIFY(!fs::exists(file.parent_path()));
    }

    void failedRenameRemovesTemporaryFile() {
        // The target is a non-empty folder: the temporary file is written, the rename fails.
        const fs::path parent = folder("rename");
        const fs::path target = parent / "occupied";
        fs::create_directory(target);
        writeFileAtomically(target / "inside.bin", bytesOf("keep"));
        const QString message = errorFrom([&] { writeFileAtomically(target, bytesOf("x")); });
        QVERIFY2(message.startsWith("Cannot replace ") && message.contains("occupied"),
                 qPrintable(message));
        QCOMPARE(filesIn(parent), std::vector<std::string>{"occupied"});
        QCOMPARE(readBytes(target / "inside.bin"), bytesOf("keep"));
    }

    void readOnlyFolderLeavesFileAlone() {
        const fs::path locked = folder("locked");
        const fs::path file = locked / "kept.bin";
        writeFileAtomically(file, bytesOf("original"));
        ::chmod(locked.c_str(), 0555);
        const bool permissionsApply = ::access(locked.c_str(), W_OK) != 0;
        const QString message = permissionsApply
                                    ? errorFrom([&] { writeFileAtomically(file, bytesOf("new")); })
                                    : QString();
        ::chmod(locked.c_str(), 0755);
        if (!permissionsApply) {
            QSKIP("Running as root: a read-only folder is still writable");
        }
        QVERIFY2(message.contains("kept.bin"), qPrintable(message));
        QCOMPARE(readBytes(file), bytesOf("original"));
        QCOMPARE(filesIn(locked), std::vector<std::string>{"kept.bin"});
    }

    void fullDiskLeavesFileAlone() {
        // A real full file system: a 64 KiB tmpfs. Mounting needs root, as CI runs.
        const fs::path disk = folder("disk");
        if (::geteuid() != 0 || ::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=64k") != 0) {
            QSKIP("Mounting a small tmpfs needs root (CI runs as root)");
        }
        const fs::path file = disk / "kept.bin";
        QString message;
        try {
            writeFileAtomically(file, Bytes(20000, 'a'));
            message = errorFrom([&] { writeFileAtomically(file, Bytes(60000, 'b')); });
        } catch (...) {
            ::umount(disk.c_str());
            throw;
        }
        const Bytes after = readBytes(file);
        const std::vector<std::string> names = filesIn(disk);
        QCOMPARE(::umount(disk.c_str()), 0);
        QVERIFY2(message.contains("kept.bin") && message.contains("No space left"),
                 qPrintable(message));
        QCOMPARE(after, Bytes(20000, 'a'));
        QCOMPARE(names, std::vector<std::string>{"kept.bin"});
    }

    void fileSizeLimitLeavesFileAlone() {
        // RLIMIT_FSIZE (see FileSizeLimit): works without root.
        const fs::path file = folder("limited") / "kept.bin";
        writeFileAtomically(file, bytesOf("original"));
        QString message;
        {
            const impasto::test::FileSizeLimit limit(4096);
            QVERIFY(limit.active());
            message = errorFrom([&] { writeFileAtomically(file, Bytes(10000, 'b')); });
        }
        QVERIFY2(message.contains("kept.bin") && message.contains("too large"),
                 qPrintable(message));
        QCOMPARE(readBytes(file), bytesOf("original"));
        QCOMPARE(filesIn(file.parent_path()), std::vector<std::string>{"kept.bin"});
    }

    void abandonedTemporariesAreRemovedAtTheNextWrite() {
        // A process killed while writing out.png leaves its temporary; a live writer holds a
        // lock on its own, which stays.
        const fs::path dir = folder("abandoned");
        writeFileAtomically(dir / ".out.png.a1B2c3", bytesOf("killed while writing"));
        writeFileAtomically(dir / ".out.png.Zz9Yy8", bytesOf("still being written"));
        writeFileAtomically(dir / ".other.png.a1B2c3", bytesOf("another file's"));
        writeFileAtomically(dir / ".out.png.notours", bytesOf("not a temporary name"));
        const int live = ::open((dir / ".out.png.Zz9Yy8").c_str(), O_RDONLY);
        QVERIFY(live >= 0 && ::flock(live, LOCK_EX) == 0);

        writeFileAtomically(dir / "out.png", bytesOf("result"));
        ::close(live);
        QCOMPARE(filesIn(dir), (std::vector<std::string>{".other.png.a1B2c3", ".out.png.Zz9Yy8",
                                                         ".out.png.notours", "out.png"}));
        QCOMPARE(readBytes(dir / "out.png"), bytesOf("result"));
    }

    void symbolicLinksAreWrittenThrough() {
        const fs::path dir = folder("links");
        fs::create_directory(dir / "real");
        writeFileAtomically(dir / "real" / "picture.png", bytesOf("old"));
        fs::create_symlink("real/picture.png", dir / "link.png");
        fs::create_symlink("link.png", dir / "chain.png");
        fs::create_symlink("real/new.png", dir / "dangling.png");

        writeFileAtomically(dir / "chain.png", bytesOf("new"));
        writeFileAtomically(dir / "dangling.png", bytesOf("created"));
        QVERIFY(fs::is_symlink(dir / "chain.png") && fs::is_symlink(dir / "link.png"));
        QVERIFY(fs::is_symlink(dir / "dangling.png"));
        QCOMPARE(readBytes(dir / "real" / "picture.png"), bytesOf("new"));
        QCOMPARE(readBytes(dir / "real" / "new.png"), bytesOf("created"));
    }

    void longestNameFits() {
        // NAME_MAX (255) bytes: the temporary's name is cut to fit as well.
        const fs::path file = folder("long") / (std::string(251, 'n') + ".png");
        writeFileAtomically(file, bytesOf("long"));
        QCOMPARE(readBytes(file), bytesOf("long"));
        QCOMPARE(filesIn(file.parent_path()), std::vector<std::string>{file.filename().string()});
    }
};

QTEST_APPLESS_MAIN(TestAtomicFile)
#include "test_atomic_file.moc"
