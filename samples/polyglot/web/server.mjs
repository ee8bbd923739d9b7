// The Express half of the polyglot sample. POST /ask takes a question for the tenant in X-Tenant, asks the Python
// summarizer to condense the customer's history (the tenant travels in the W3C baggage header the SDK adds), then
// asks the model itself. Both model calls are captured and priced by the Panoptic SDKs; nothing here names a price.
import express from 'express';
import { init, panopticExpress, withContext } from '@panoptic/sdk';

init(); // PANOPTIC_ENDPOINT, PANOPTIC_API_KEY, PANOPTIC_SERVICE, ... ; also captures fetch and http(s)

const openai = process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
const summarizer = process.env.SUMMARIZER_URL ?? 'http://127.0.0.1:8001';
const app = express();
app.use(express.json());
app.use(panopticExpress({ resolve: (req) => ({ tenantId: req.get('x-tenant'), userId: req.get('x-user') }) }));

app.get('/', (_req, res) => res.send('ok'));

app.post('/ask', async (req, res) => {
  try {
    const history = await post(`${summarizer}/summarize`, { text: `Earlier tickets of ${req.get('x-tenant')}` });
    const answer = await withContext({ feature: 'answer' }, () =>
      post(`${openai}/chat/completions`, {
        model: 'gpt-4o-mini',
        messages: [{ role: 'system', content: history.summary }, { role: 'user', content: String(req.body?.text ?? '') }],
      }, { authorization: `Bearer ${process.env.OPENAI_API_KEY ?? 'sk-sample'}` }));
    res.json({ answer: answer.choices[0].message.content });
  } catch (e) {
    res.status(502).json({ error: String(e) });
  }
});

async function post(url, body, headers = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

const port = Number(process.env.PORT ?? 8000);
app.listen(port, '127.0.0.1', () => console.log(`web on ${port}`));
