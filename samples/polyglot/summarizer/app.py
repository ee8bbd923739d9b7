"""The FastAPI half of the polyglot sample: POST /summarize condenses a text with the model. The tenant and user come
from the caller's W3C baggage (the Express service's SDK sends it), so this service's model spend is attributed to
the same tenant without any code passing it along."""

import os

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

import panoptic
from panoptic.middleware.asgi import PanopticMiddleware

panoptic.init()        # PANOPTIC_ENDPOINT, PANOPTIC_API_KEY, PANOPTIC_SERVICE, ...
panoptic.instrument()  # httpx and requests calls to providers recorded and priced

OPENAI = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1")
app = FastAPI()
app.add_middleware(PanopticMiddleware)
client = httpx.AsyncClient(timeout=30)


class Text(BaseModel):
    text: str


@app.get("/")
async def health() -> str:
    return "ok"


@app.post("/summarize")
async def summarize(body: Text) -> dict[str, str]:
    with panoptic.context(feature="summarize"):
        response = await client.post(f"{OPENAI}/chat/completions",
                                     headers={"authorization": f"Bearer {os.environ.get('OPENAI_API_KEY', 'sk-sample')}"},
                                     json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Summarize: {body.text}"}]})
    response.raise_for_status()
    return {"summary": response.json()["choices"][0]["message"]["content"]}
