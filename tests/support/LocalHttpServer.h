#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QTcpServer>

class QTcpSocket;

namespace impasto::test {

// A minimal HTTP/1.1 server on 127.0.0.1 for download tests. It lives on the test's thread, so
// it answers whenever the code under test runs an event loop. Paths it does not serve answer
// 404 Not Found. One request per connection ("Connection: close").
class LocalHttpServer {
public:
    // What the server was asked, in order.
    struct Request {
        QByteArray path;
        QByteArray range;  // the Range header; empty when absent
    };

    // Listens on a free port; throws std::runtime_error when it cannot.
    LocalHttpServer();

    QString url(const QByteArray& path) const;
    // Serves `body` at `path`, honouring "Range: bytes=N-" with 206 and Content-Range.
    void serve(const QByteArray& path, const QByteArray& body);
    // Answers `from` with a 302 to `to` on this server.
    void redirect(const QByteArray& from, const QByteArray& to);
    // Answers every request with 200 and the whole body, as servers without range support do.
    void setIgnoreRange(bool ignore) { ignoreRange_ = ignore; }
    // The next response announces its full length but the connection closes after `bytes` of
    // the body.
    void dropNextResponseAfter(qint64 bytes) { dropAfter_ = bytes; }
    // The next response sends `bytes` of the body, then nothing more; the connection stays open.
    void stallNextResponseAfter(qint64 bytes) { stallAfter_ = bytes; }

    const QList<Request>& requests() const { return requests_; }

private:
    void accept();
    void respond(QTcpSocket* socket, const QByteArray& head);

    QTcpServer server_;
    QHash<QByteArray, QByteArray> bodies_;
    QHash<QByteArray, QByteArray> redirects_;
    bool ignoreRange_ = false;
    qint64 dropAfter_ = -1;
    qint64 stallAfter_ = -1;
    QList<Request> requests_;
};

}  // namespace impasto::test
