// The app under test, started by Playwright's webServer before the global setup starts the container: it can
// only know the SMTP port in advance (the environment's fixed inbox.ports).
import { createServer } from 'node:http'
import nodemailer from 'nodemailer'

const smtp = nodemailer.createTransport({
  host: '127.0.0.1',
  port: Number(process.env.CONTAINER_SMTP_PORT),
  ignoreTLS: true,
})
createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://app')
  if (url.pathname === '/health') return void res.end('ok')
  if (url.pathname === '/invite' && req.method === 'POST') {
    await smtp.sendMail({
      from: 'Team <team@app.example>',
      to: url.searchParams.get('to') ?? '',
      subject: 'You are invited',
      text: 'Join us: https://app.example/join',
    })
    return void res.writeHead(202).end()
  }
  res.writeHead(404).end()
}).listen(Number(process.env.APP_PORT), '127.0.0.1')
