"""HTTP/1.1 plumbing of the fake model server: one connection with a reader task
(so a client that leaves is noticed at once, even while the server waits),
cancellable sleeps, and request parsing (Content-Length or chunked bodies,
Expect: 100-continue). Python 3 stdlib, asyncio."""
import asyncio
import time

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024 * 1024


class Closed(Exception):
    """The client went away (or we dropped it) while we were answering."""


class Connection:
    """One TCP connection. A reader task fills self.buf and notices EOF at any time,
    so a client that disconnects during a stall is seen at once."""

    def __init__(self, server, reader, writer, conn_id):
        self.server, self.reader, self.writer, self.id = server, reader, writer, conn_id
        self.buf = bytearray()
        self.data_event = asyncio.Event()
        self.gone = asyncio.Event()       # EOF / reset from the client, or we closed
        self.gone_at = None
        self.served_model = False

    async def read_loop(self):
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    break
                self.buf += data
                self.data_event.set()
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        self.mark_gone()

    def mark_gone(self):
        if not self.gone.is_set():
            self.gone_at = time.time()
            self.gone.set()
            self.data_event.set()

    async def need(self, predicate):
        """Waits until predicate(buf) is true; False if the client went away first."""
        while not predicate(self.buf):
            if self.gone.is_set():
                return False
            self.data_event.clear()
            await self.data_event.wait()
        return True

    async def write(self, data):
        if self.gone.is_set():
            raise Closed()
        try:
            self.writer.write(data)
            await self.writer.drain()
        except (ConnectionError, OSError) as exc:
            self.mark_gone()
            raise Closed() from exc

    async def sleep(self, ms):
        """Sleeps ms milliseconds; raises Closed if the client disconnects meanwhile."""
        if ms <= 50:
            # Short waits (token delays) use a plain sleep: wait_for costs a task and
            # a timer each, and a disconnect is still noticed a few ms later.
            if ms > 0:
                await asyncio.sleep(ms / 1000.0)
            if self.gone.is_set():
                raise Closed()
            return
        try:
            await asyncio.wait_for(self.gone.wait(), ms / 1000.0)
        except asyncio.TimeoutError:
            return
        raise Closed()

    def abort(self):
        self.mark_gone()
        self.writer.transport.abort()


async def read_request(conn):
    """Parses one HTTP/1.1 request from conn.buf: (method, target, headers, body) or None."""
    ok = await conn.need(lambda b: b.find(b"\r\n\r\n") >= 0 or len(b) > MAX_HEADER_BYTES)
    if not ok:
        return None
    end = conn.buf.find(b"\r\n\r\n")
    if end < 0:
        raise ValueError("header too large")
    head = bytes(conn.buf[:end]).decode("latin-1")
    del conn.buf[:end + 4]
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise ValueError("bad request line")
    method, target = parts[0], parts[1]
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError("bad header line")
        headers.append((name.strip(), value.strip()))
    hmap = {k.lower(): v for k, v in headers}
    if hmap.get("expect", "").lower() == "100-continue":
        await conn.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    if "chunked" in hmap.get("transfer-encoding", "").lower():
        body = await read_chunked(conn)
    else:
        length = int(hmap.get("content-length", "0") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError("body too large")
        if not await conn.need(lambda b: len(b) >= length):
            return None
        body = bytes(conn.buf[:length])
        del conn.buf[:length]
    return method, target, headers, body


async def read_chunked(conn):
    body = bytearray()
    while True:
        if not await conn.need(lambda b: b.find(b"\r\n") >= 0):
            raise Closed()
        eol = conn.buf.find(b"\r\n")
        size = int(bytes(conn.buf[:eol]).split(b";")[0], 16)
        del conn.buf[:eol + 2]
        if size == 0:
            if not await conn.need(lambda b: b.find(b"\r\n") >= 0):
                raise Closed()
            del conn.buf[:conn.buf.find(b"\r\n") + 2]   # (no trailers expected)
            return bytes(body)
        if not await conn.need(lambda b: len(b) >= size + 2):
            raise Closed()
        body += conn.buf[:size]
        del conn.buf[:size + 2]
        if len(body) > MAX_BODY_BYTES:
            raise ValueError("body too large")
