import { isolationCases } from './isolation-cases.js'

isolationCases('b')
