package org.docketwallet.app

import android.graphics.BitmapFactory
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import kotlin.math.floor
import org.docketwallet.ffi.CardView
import org.docketwallet.ffi.QrCode

/** The one screen: the holder's card and its live QR code. */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        setContent {
            MaterialTheme {
                WalletScreen()
            }
        }
    }
}

@Composable
private fun WalletScreen(viewModel: WalletViewModel = viewModel()) {
    val state by viewModel.state.collectAsStateWithLifecycle()
    Scaffold { padding ->
        Column(
            modifier = Modifier
                .fillMaxSize()
                .padding(padding)
                .padding(16.dp)
                .verticalScroll(rememberScrollState()),
            horizontalAlignment = Alignment.CenterHorizontally,
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            when (val current = state) {
                CardScreenState.Opening -> {
                    CircularProgressIndicator()
                    Text(stringResource(R.string.opening))
                }
                CardScreenState.NotEnrolled -> Text(stringResource(R.string.not_enrolled))
                is CardScreenState.Failed -> Text(current.message, color = MaterialTheme.colorScheme.error)
                is CardScreenState.Ready -> {
                    val liveQr by viewModel.liveQr.collectAsStateWithLifecycle(initialValue = null)
                    CardPanel(current.card, liveQr)
                }
            }
        }
    }
}

@Composable
private fun CardPanel(card: CardView, liveQr: QrCode?) {
    val holder = card.verdict.holder
    val photo = remember(card.photo) {
        BitmapFactory.decodeByteArray(card.photo, 0, card.photo.size)?.asImageBitmap()
    }
    if (!card.verdict.valid) {
        Text(stringResource(R.string.card_not_valid), color = MaterialTheme.colorScheme.error)
        card.verdict.reasons.forEach { Text(it.message) }
    }
    Row(horizontalArrangement = Arrangement.spacedBy(16.dp), modifier = Modifier.fillMaxWidth()) {
        if (photo != null) Image(photo, contentDescription = null, modifier = Modifier.size(96.dp, 120.dp))
        if (holder != null) {
            Column {
                Text(holder.familyName.uppercase(), style = MaterialTheme.typography.titleLarge)
                Text(holder.givenNames, style = MaterialTheme.typography.titleMedium)
                Field(stringResource(R.string.card_number), holder.cardNumber)
                Field(stringResource(R.string.date_of_birth), holder.dateOfBirth)
                Field(stringResource(R.string.nationality), holder.nationalityName)
                Field(stringResource(R.string.valid_through), holder.expires)
            }
        }
    }
    Spacer(Modifier.height(8.dp))
    if (liveQr != null) {
        Text(stringResource(R.string.show_officer))
        QrCanvas(liveQr, Modifier.fillMaxWidth())
    }
}

@Composable
private fun Field(label: String, value: String) {
    Text(label, style = MaterialTheme.typography.labelSmall)
    Text(value, style = MaterialTheme.typography.bodyLarge)
}

/**
 * Draws the QR code's modules (1 dark, 0 light, row by row) with the 4-module quiet zone,
 * each module a whole number of pixels so the edges stay crisp for the officer's camera.
 */
@Composable
private fun QrCanvas(qr: QrCode, modifier: Modifier = Modifier) {
    val modules = qr.size.toInt()
    Canvas(modifier.aspectRatio(1f).background(Color.White)) {
        val side = modules + 2 * QUIET_ZONE
        val cell = floor(size.minDimension / side)
        val origin = Offset(
            (size.width - cell * modules) / 2f,
            (size.height - cell * modules) / 2f,
        )
        for (row in 0 until modules) {
            for (col in 0 until modules) {
                if (qr.modules[row * modules + col] == DARK) {
                    drawRect(
                        color = Color.Black,
                        topLeft = Offset(origin.x + col * cell, origin.y + row * cell),
                        size = Size(cell, cell),
                    )
                }
            }
        }
    }
}

private const val QUIET_ZONE = 4
private const val DARK: Byte = 1
