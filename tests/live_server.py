"""A real uvicorn server on 127.0.0.1 for the web tests, and the index it serves.

The web index is the mini corpus plus articles the page tests need: enough
"banjir" articles for three pages, one whose title and body hold HTML and script
(it must show as text), and one whose id holds slashes.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from searcher import Article, SearchIndex
from searcher.web import ServerSettings, bind, create_app

from tests.conftest import MINI

TOKEN = "test-token-0123456789"
SLASH_ID = "kompas/2024/banjir-bandang"
SCRIPT_TITLE = "<script>document.title='pwned';window.__pwned=1;</script> Banjir <b>tebal</b> di Kudus"
CITIES = ("Semarang", "Demak", "Kudus", "Pati", "Jepara", "Grobogan", "Kendal", "Batang",
          "Pekalongan", "Tegal", "Brebes", "Rembang", "Blora")
#: Sentences of the flood articles; article i takes sentences i, i+3 and i+7 (mod 13), so
#: no two share more than one and none is a near-duplicate of another.
SENTENCES = (
    "Hujan deras mengguyur wilayah itu sejak Minggu malam hingga Senin pagi.",
    "Petugas BPBD mengerahkan perahu karet untuk mengevakuasi warga lanjut usia.",
    "Sungai di dekat permukiman meluap setelah tanggulnya jebol sepanjang dua puluh meter.",
    "Ratusan warga mengungsi ke balai desa dan masjid terdekat.",
    "Dinas sosial mendirikan dapur umum untuk para pengungsi.",
    "Akses jalan provinsi terputus sehingga kendaraan dialihkan melalui jalur alternatif.",
    "Sekolah diliburkan karena ruang kelas tergenang lumpur.",
    "Petani mengeluhkan sawah yang siap panen terendam air berhari-hari.",
    "Bupati meninjau lokasi dan menjanjikan perbaikan saluran drainase.",
    "Listrik di sejumlah kampung dipadamkan demi keselamatan warga.",
    "Relawan membagikan selimut, makanan siap saji, dan obat-obatan.",
    "BMKG memperingatkan potensi cuaca ekstrem hingga akhir pekan.",
    "Warga bergotong royong membersihkan rumah dari sisa lumpur setelah air surut.",
)


def web_articles() -> list[Article]:
    """The articles added to the mini corpus for the web tests."""
    n = len(SENTENCES)
    articles = [
        Article(id=f"banjir-{i:02d}", title=f"Banjir Merendam {10 * (i + 1)} Rumah di {city}",
                body=" ".join([f"Banjir merendam {10 * (i + 1)} rumah warga di {city}, Jawa Tengah."]
                              + [SENTENCES[(i + k) % n] for k in (0, 3, 7)]),
                date=datetime(2024, 1 + i % 12, 1 + i), url=f"https://regional.example.com/banjir-{i}",
                source="kompas.com" if i % 2 else "detik.com", category="Regional")
        for i, city in enumerate(CITIES)
    ]
    articles.append(Article(
        id="xss-1", title=SCRIPT_TITLE,
        body=('Banjir di Kudus. <img src=x onerror="window.__pwned=2"> Warga diminta waspada '
              '"<script>window.__pwned=3</script>" & tetap tenang.'),
        date=datetime(2024, 2, 2), url="javascript:window.__pwned=4", source="evil.example",
        category="Regional"))
    articles.append(Article(
        id=SLASH_ID, title="Banjir Bandang Terjang Lereng Gunung",
        body="Banjir bandang menerjang desa di lereng gunung setelah hujan deras semalaman.",
        date=datetime(2024, 3, 3), url="https://kompas.example.com/banjir-bandang",
        source="kompas.com", category="Regional"))
    return articles


def build_web_index(path: Path) -> Path:
    index = SearchIndex.create_or_open(path)
    index.index_paths([MINI])
    report = index.add(web_articles())
    assert report.added == len(CITIES) + 2
    return path


def copy_index(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


class LiveServer:
    """uvicorn serving :func:`create_app` in a thread on a free port of 127.0.0.1."""

    def __init__(self, index: SearchIndex, settings: ServerSettings | None = None) -> None:
        import uvicorn

        self.index = index
        self.sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(create_app(index, settings), log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


@contextmanager
def live_server(index_path: Path, settings: ServerSettings | None = None) -> Iterator[LiveServer]:
    server = LiveServer(SearchIndex(index_path), settings).start()
    try:
        yield server
    finally:
        server.stop()
