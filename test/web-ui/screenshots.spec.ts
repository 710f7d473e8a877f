import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { captureScreenshots } from './screenshots.ts'

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
test('the docs screenshots script runs against a real server and captures both themes', async ({}, testInfo) => {
  const [light, dark] = await captureScreenshots(testInfo.outputPath('screenshots'))
  const png = (file: string | undefined) => readFileSync(file ?? '')
  for (const file of [light, dark]) {
    expect(png(file).subarray(1, 4).toString()).toBe('PNG')
    // 1280×800, from the PNG header.
    expect([png(file).readUInt32BE(16), png(file).readUInt32BE(20)]).toEqual([1280, 800])
  }
  expect(png(light).equals(png(dark))).toBe(false)
})
