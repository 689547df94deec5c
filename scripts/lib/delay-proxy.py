#!/usr/bin/env python3
"""delay-proxy.py LISTEN_PORT TARGET_HOST:PORT DELAY_MS

A loopback TCP proxy that makes a registry look distant: it forwards both directions, and hands
every chunk coming back from the target (server -> client) to the client DELAY_MS after it
arrived. The delay is latency, not a bandwidth cap: chunks are queued with their due time and a
writer task drains the queue in order, so a long response is delayed once, not once per chunk, and
every request/response round trip costs DELAY_MS. Client -> server bytes pass straight through.

Listens on 127.0.0.1:LISTEN_PORT; prints "ready" on stdout once it listens. Stops on SIGTERM/SIGINT.
"""
import asyncio
import signal
import sys

BUF = 256 * 1024


async def close(writer):
    try:
        writer.close()
        await writer.wait_closed()
    except (ConnectionError, OSError):
        pass


async def forward(reader, writer):
    """client -> server, as fast as it comes; EOF is passed on as a half close."""
    try:
        while True:
            data = await reader.read(BUF)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        pass


async def forward_delayed(reader, writer, delay):
    """server -> client: each chunk (and the EOF) delivered `delay` seconds after it arrived."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def read_side():
        try:
            while True:
                data = await reader.read(BUF)
                queue.put_nowait((loop.time() + delay, data))
                if not data:
                    return
        except (ConnectionError, OSError):
            queue.put_nowait((loop.time() + delay, b""))

    async def write_side():
        try:
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass

    await asyncio.gather(read_side(), write_side())


async def main(listen_port, target_host, target_port, delay):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(target_host, target_port)
        except OSError:
            await close(client_writer)
            return
        try:
            await asyncio.gather(forward(client_reader, server_writer),
                                 forward_delayed(server_reader, client_writer, delay))
        finally:
            await close(server_writer)
            await close(client_writer)

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port, limit=BUF, backlog=256)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    print("ready", flush=True)
    async with server:
        await stop


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[0])
    host, _, port = sys.argv[2].rpartition(":")
    asyncio.run(main(int(sys.argv[1]), host, int(port), float(sys.argv[3]) / 1000.0))
