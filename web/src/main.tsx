import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { initToken } from './api'
import './styles.css'

const hasToken = initToken()
const root = document.getElementById('root')
if (root)
  createRoot(root).render(
    <StrictMode>
      <App hasToken={hasToken} />
    </StrictMode>,
  )
